"""gunicorn settings, overridable from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Sync workers: one request at a time each, so a slow client ties up a worker; in production
# a reverse proxy or load balancer in front buffers clients (docs/deployment.md).
# The app is loaded once and forked, so a worker that is replaced starts at once.
preload_app = True
# Replace each worker now and then as a guard against slow memory growth; rarely enough
# that a busy worker does not lose its warm connections and local cache every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
