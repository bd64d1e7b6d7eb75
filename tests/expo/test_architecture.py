"""The architecture holds: the import contracts in pyproject.toml (import-linter) and the layout."""

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def test_the_import_contracts_are_kept() -> None:
    """tickets -> booths -> expo, pure cores without Litestar or SQLAlchemy, rules without the web layer."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_test_imports_from_a_conftest() -> None:
    """Fixtures live in conftest.py files; what tests share is imported from tests/support."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path.resolve() != Path(__file__).resolve()
        and ("from tests.conftest" in path.read_text() or "import tests.conftest" in path.read_text())
    ]
    assert offenders == []
