"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers default to 2 x CPU cores + 1 (gunicorn's own advice for sync workers doing I/O);
set WEB_CONCURRENCY to override. The app and its question banks are loaded once, in the
master, before the workers fork (`preload_app`): a worker then starts in milliseconds, where
importing the app and parsing the banks cost each new worker about a second of CPU, taken from
the requests the others were serving. No database connection is opened before the fork
(`when_ready` checks it); each worker opens its own. A code change needs a restart of the
master (SIGHUP reuses the preloaded code).
"""

import multiprocessing
import os
from typing import Any

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# Recent gunicorn releases open a control socket at ~/.gunicorn/gunicorn.ctl by default: two
# instances on one host would fight over that path, and nothing here uses it.
control_socket_disable = True
accesslog = os.environ.get("ACCESS_LOG", None)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def when_ready(server: Any) -> None:
    """In the master, before the first fork: parse the banks, and make sure no connection is open.

    A connection opened here would be shared by every forked worker, each talking over the
    same socket: that must never happen.
    """
    from quizapp.extensions import db
    from quizapp.services.catalog import get_catalog

    app = server.app.wsgi()
    with app.app_context():
        questions = len(get_catalog().questions)
        opened = db.engine.pool.checkedin() + db.engine.pool.checkedout()
    if opened:
        raise RuntimeError(f"{opened} database connection(s) opened before the workers fork")
    server.log.info("banks loaded before forking: %d questions", questions)
