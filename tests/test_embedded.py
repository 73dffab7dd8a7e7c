"""`python -m config.embedded -- CMD` (what `make run` runs under): stopping it by SIGTERM or
Ctrl-C stops CMD's whole process group and the embedded PostgreSQL and Redis it started."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The command prints its pid and the two URLs it was given, then waits; a grandchild of its
# own (like gunicorn's and Celery's worker processes) waits too.
COMMAND = 'echo $$; echo "$DATABASE_URL"; echo "$REDIS_URL"; sleep 60 & exec sleep 61'


def _server_pids(data_dir: Path, redis_url: str) -> list[int]:
    postgres = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    socket = redis_url.removeprefix("unix://")
    redis = [p.pid for p in psutil.process_iter(["cmdline"]) if socket in " ".join(p.cmdline())]
    assert len(redis) == 1
    return [postgres, *redis]


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """Not under pytest's tmp_path: as root, pgserver runs PostgreSQL as its own user, which must
    reach the directory, and pytest keeps its base directory private (0700)."""
    path = Path(tempfile.mkdtemp(prefix="bronka-embedded-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_embedded_stops_the_command_and_the_servers(data_dir, signum):
    env = {**os.environ, "BRONKA_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    runner = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "config.embedded", "--", "sh", "-c", COMMAND],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert runner.stdout is not None
        command = int(runner.stdout.readline())
        _database_url, redis_url = runner.stdout.readline(), runner.stdout.readline().strip()
        time.sleep(0.5)  # the grandchild is started
        started = [command, *(p.pid for p in psutil.Process(command).children(recursive=True))]
        servers = _server_pids(data_dir, redis_url)
        runner.send_signal(signum)
        runner.wait(timeout=30)
        deadline = time.monotonic() + 5
        while not all(_gone(pid) for pid in started + servers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in started + servers if not _gone(pid)] == []
    finally:
        if runner.poll() is None:
            runner.kill()
