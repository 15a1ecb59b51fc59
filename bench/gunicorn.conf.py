"""gunicorn as README's Production section runs it: sync workers, about two per core."""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
workers = int(os.environ.get("BENCH_WORKERS", "4"))
worker_class = "sync"
wsgi_app = "kototori.wsgi:application"
accesslog = None
errorlog = "-"
loglevel = "warning"
# A request may take a while under load on 2 cores; never let gunicorn kill a slow report.
timeout = 120
