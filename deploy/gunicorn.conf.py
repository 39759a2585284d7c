"""gunicorn settings for the Thrive image (Dockerfile CMD; Kubernetes uses the same).

Requests are logged by Django (django-structlog's request_finished line: path, status, time,
request id) in the same JSON as everything else, so gunicorn's own access log is off. Anyone
who turns it on (GUNICORN_CMD_ARGS="--access-logfile -") gets a format without query strings
or referrers, which can carry a child's name.
"""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
graceful_timeout = 30
# A read-only root filesystem: worker heartbeats go to memory, not /tmp on disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (memory, private to the container)
# Behind the proxy: trust its X-Forwarded-* headers (Django decides what to make of them).
forwarded_allow_ips = "*"
# No control socket: it would be written under $HOME, which is read-only in the image.
control_socket_disable = True
accesslog = None
# %(U)s is the path without its query string; no %(r)s (request line) and no %(f)s (referrer).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%({x-request-id}o)s"'
errorlog = "-"
