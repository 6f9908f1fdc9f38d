"""gunicorn settings for `make run` and production; every value can be overridden by environment."""

import os

bind = os.environ.get("MOTCUA_BIND", "127.0.0.1:8000")
# SQLite allows one writer: one worker process with threads. With PostgreSQL set WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("MOTCUA_THREADS", "4"))
accesslog = "-"
errorlog = "-"
timeout = 60
