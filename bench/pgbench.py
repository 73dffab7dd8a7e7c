"""The pgbench reference of the `bookings` bench: PostgreSQL alone running the booking transaction
of `pgbench_booking.sql` on tables of its own in the bench's scratch database."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("pgbench_booking.sql")

# The tables the script books into, made afresh each run. The exclusion constraint is the
# bookings table's (DESIGN §3: int4range of the room, no btree_gist); the idempotency key is
# unique as the ledger's is. Account 0 is the redemptions account, 1..N the clients' wallets.
_SCHEMA = """
DROP TABLE IF EXISTS bench_ref_posting, bench_ref_transaction, bench_ref_booking,
                     bench_ref_account;
DROP SEQUENCE IF EXISTS bench_ref_hour;
CREATE SEQUENCE bench_ref_hour;
CREATE TABLE bench_ref_account (id integer PRIMARY KEY, balance bigint NOT NULL);
CREATE TABLE bench_ref_booking (
    id bigserial PRIMARY KEY,
    room_id integer NOT NULL,
    user_id integer NOT NULL,
    occupied tstzrange NOT NULL,
    price numeric(12, 2) NOT NULL,
    points integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (int4range(room_id, room_id, '[]') WITH &&, occupied WITH &&)
);
CREATE TABLE bench_ref_transaction (
    id bigserial PRIMARY KEY,
    idempotency_key varchar(200) NOT NULL UNIQUE,
    booking_id bigint NOT NULL REFERENCES bench_ref_booking,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bench_ref_posting (
    id bigserial PRIMARY KEY,
    transaction_id bigint NOT NULL REFERENCES bench_ref_transaction,
    account_id integer NOT NULL REFERENCES bench_ref_account,
    amount bigint NOT NULL
);
CREATE INDEX ON bench_ref_posting (transaction_id);
CREATE INDEX ON bench_ref_posting (account_id);
INSERT INTO bench_ref_account SELECT g, 1000000000000 FROM generate_series(0, %(clients)s) g;
"""


@dataclass(frozen=True)
class Result:
    tps: float
    transactions: int
    failed: int
    ok: bool  # pgbench exited 0 and no transaction failed
    output: str


def binary() -> str:
    """The pgbench of the embedded PostgreSQL (pgserver), else the one on PATH."""
    # Found, not imported: importing pgserver only to find a file would set up its runtime dir.
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        shipped = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / "pgbench"
        if shipped.exists():
            return str(shipped)
    found = shutil.which("pgbench")
    if found is None:
        raise SystemExit("pgbench not found: install pgserver or PostgreSQL's client tools")
    return found


def prepare(clients: int) -> None:
    """(Re)create the reference tables in Django's database, one wallet per client."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_SCHEMA, {"clients": clients})


def _environment() -> dict[str, str]:
    """libpq's variables for Django's database, so pgbench books where the bench (or a test)
    does: the parameters Django connects with, the embedded server's socket directory included."""
    from django.db import connection

    parameters = connection.get_connection_params()
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "host"),
        ("PGPORT", "port"),
        ("PGUSER", "user"),
        ("PGPASSWORD", "password"),
        ("PGDATABASE", "dbname"),
    ):
        if parameters.get(key):
            env[variable] = str(parameters[key])
    return env


def run(*, clients: int, seconds: float, points: int) -> Result:
    """Run the script for `seconds` with `clients` connections (threads: one per core)."""
    threads = max(1, min(clients, os.cpu_count() or 1))
    command = [
        binary(),
        "--no-vacuum",
        f"--client={clients}",
        f"--jobs={threads}",
        f"--time={max(1, round(seconds))}",
        f"--define=points={points}",
        f"--file={SCRIPT}",
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, env=_environment(), capture_output=True, text=True, check=False
    )
    output = done.stdout + done.stderr
    tps = re.search(r"^tps = ([\d.]+)", output, re.MULTILINE)
    processed = re.search(r"actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    failures = int(failed.group(1)) if failed else 0
    return Result(
        tps=float(tps.group(1)) if tps else 0.0,
        transactions=int(processed.group(1)) if processed else 0,
        failed=failures,
        ok=done.returncode == 0 and tps is not None and failures == 0,
        output=output,
    )
