"""A scratch database per benchmark: `<db>_bench_<bench>` on the same server, Django set up on it
with the production switches (DEBUG off: no query log) and migrated; dropped unless kept."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def _create(bench: str, *, refill: bool) -> str:
    """Point DATABASE_URL at `<db>_bench_<bench>` on the same server, creating it if needed."""
    import psycopg

    from config import embedded

    url = os.environ.get("DATABASE_URL")
    if not url:
        from pathlib import Path

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
