-- wrk script for bench/load.py: send prepared requests read from a list file.
--
--   wrk -t2 -c10 -d10s -s bench/load_list.lua http://127.0.0.1:PORT -- LIST MODE THREADS
--
-- LIST has one request per line, tab-separated: METHOD, PATH, BODY (may be empty), then any
-- number of "Header-Name: value" fields. MODE "cycle": every thread loops over the whole list
-- (thread k starting at entry k). MODE "once": entry n goes to thread ((n - 1) % THREADS) + 1
-- only, so the threads' shares never overlap, each entry is sent at most once, and a thread
-- whose share runs out stops early and reports it (`ran_out`).
--
-- done() prints one machine-readable line, "BENCH_RESULT {json}", read by bench/load.py:
-- completed requests, run time, wrk's error counts, latency percentiles (microseconds), the
-- responses by status code, the entries sent (`issued`) and how many threads ran out.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local function split(line, sep)
   local fields, start = {}, 1
   while true do
      local i = string.find(line, sep, start, true)
      if not i then
         table.insert(fields, string.sub(line, start))
         return fields
      end
      table.insert(fields, string.sub(line, start, i - 1))
      start = i + 1
   end
end

function init(args)
   local list, mode, nthreads = args[1], args[2], tonumber(args[3])
   entries, cursor, issued, ran_out, statuses = {}, 1, 0, 0, {}
   cycle = mode == "cycle"
   local n = 0
   for line in io.lines(list) do
      if line ~= "" then
         n = n + 1
         if cycle or (n - 1) % nthreads == id - 1 then
            local f = split(line, "\t")
            local headers = {}
            for k = 4, #f do
               local name, value = string.match(f[k], "^([^:]+): (.*)$")
               headers[name] = value
            end
            local body = nil
            if f[3] ~= "" then body = f[3] end
            table.insert(entries, wrk.format(f[1], f[2], headers, body))
         end
      end
   end
   if cycle and #entries > 0 then
      cursor = (id - 1) % #entries + 1
   end
   -- wrk calls request() once on the first thread only to check the request parses, and never
   -- sends it: hand it the first entry without using it up.
   checking = id == 1
end

function request()
   if checking then
      checking = false
      return entries[1] or wrk.format("GET", "/healthz")
   end
   if cursor > #entries then
      if cycle and #entries > 0 then
         cursor = 1
      else
         -- Out of fresh entries: stop this thread. The loop ends before any response to this
         -- placeholder is read, so it is never counted; it only has to be a harmless request.
         ran_out = 1
         wrk.thread:stop()
         return wrk.format("GET", "/healthz")
      end
   end
   local entry = entries[cursor]
   cursor = cursor + 1
   issued = issued + 1
   return entry
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   local codes, sent, out = {}, 0, 0
   for _, thread in ipairs(threads) do
      for code, count in pairs(thread:get("statuses")) do
         codes[code] = (codes[code] or 0) + count
      end
      sent = sent + thread:get("issued")
      out = out + thread:get("ran_out")
   end
   local parts = {}
   for code, count in pairs(codes) do
      table.insert(parts, string.format('"%s": %.0f', code, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, ' ..
      '"errors": {"connect": %.0f, "read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f}, ' ..
      '"latency_us": {"p50": %.0f, "p90": %.0f, "p99": %.0f, "p999": %.0f, "mean": %.1f, "max": %.0f}, ' ..
      '"statuses": {%s}, "issued": %.0f, "ran_out": %.0f, "threads": %d}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.mean, latency.max,
      table.concat(parts, ", "), sent, out, #threads))
end
