"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers default to 2 x CPU cores + 1 (gunicorn's own advice for sync workers doing I/O);
set WEB_CONCURRENCY to override. The app is not preloaded, so no database connection is
ever opened before the workers fork.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("ACCESS_LOG", None)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
