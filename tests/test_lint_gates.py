"""`make lint` catches what it promises: an import up the layers, a service importing a task, and
an `Any` written into a ledger signature each fail it (run on a copy of the tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "core", "accounts", "venues", "bookings", "loyalty", "referrals", "demo")
# The settings need service URLs; lint starts no database, so these are never connected to.
LINT_ENV = {
    "DATABASE_URL": "postgres://lint@localhost/lint",
    "REDIS_URL": "redis://localhost:6379/0",
    "DJANGO_SECRET_KEY": "lint-only-not-a-secret",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def run(tree: Path, tool: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run one of the virtualenv's lint tools in `tree`, as `make lint` does."""
    return subprocess.run(  # noqa: S603 - our own tools, fixed arguments
        [str(Path(sys.executable).parent / tool), *arguments],
        cwd=tree,
        env={**os.environ, **LINT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text() + "\n" + code + "\n")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return run(tree, "lint-imports", "--no-cache")


def test_the_layers_of_the_tree_as_it_is_hold(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout


def test_an_import_up_the_layers_fails(tree):
    append(tree / "venues" / "services" / "__init__.py", "from bookings import selectors  # noqa")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "venues is not allowed to import bookings" in result.stdout


def test_a_service_importing_a_task_fails(tree):
    append(
        tree / "loyalty" / "services" / "ledger" / "engine.py", "from loyalty import tasks  # noqa"
    )
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "Services and selectors never import tasks" in result.stdout
    assert "loyalty.services.ledger.engine -> loyalty.tasks" in result.stdout


def test_an_any_in_a_ledger_signature_fails_mypy(tree):
    engine = tree / "loyalty" / "services" / "ledger" / "engine.py"
    source = engine.read_text().replace(
        "from __future__ import annotations\n",
        "from __future__ import annotations\nimport typing\n",
    )
    engine.write_text(source + "\n\ndef probe(movement: typing.Any) -> int:\n    return 0\n")
    result = run(tree, "mypy", "loyalty/services/ledger/engine.py")
    assert result.returncode != 0
    assert "engine.py:" in result.stdout and 'Explicit "Any" is not allowed' in result.stdout
