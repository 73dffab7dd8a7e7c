"""gunicorn's settings for `make run`: the production server, sized for 50 clients at once.

Connection budget of the embedded PostgreSQL (max_connections 100): each web thread keeps one
persistent connection (CONN_MAX_AGE), so 2 workers x 16 threads = 32; the Celery worker (2
children and its main process) and beat take 4 more; a `make test` running beside it takes up
to ~31 (its widest concurrency test runs 30 threads). That is ~67, well under 100.
"""

from __future__ import annotations

import os

bind = f"127.0.0.1:{os.environ.get('BRONKA_PORT', '8000')}"
worker_class = "gthread"
workers = 2
threads = 16
# Clients beyond the threads wait in the listen queue instead of being reset.
backlog = 2048
# Ctrl-C / SIGTERM: requests under way get this long to finish.
graceful_timeout = 10
accesslog = "-"
# Code changes reload the workers in development, as runserver did.
reload = os.environ.get("DJANGO_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
