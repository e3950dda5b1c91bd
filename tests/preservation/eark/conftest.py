"""The eark-validator interpreter: a venv of its own inside ours (``<venv>/opt/...``).

eark-validator 1.1.3 pins ``lxml==5.1.0`` while Vanthu pins lxml 6, so it cannot share our
environment; it is installed from PyPI into its own venv on first use, kept with ours (``make
clean`` removes both). Without network on the first run the tests skip, unless
``VANTHU_TEST_EARK=1`` makes that a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

VERSION = "1.1.3"
RUNNER = Path(__file__).with_name("runner.py")


def _venv() -> Path:
    return Path(sys.prefix) / "opt" / f"eark-validator-{VERSION}"


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _install(venv: Path) -> str | None:
    """None when ready, else why not."""
    python = _python(venv)
    if python.exists() and (venv / ".installed").exists():
        return None
    base = getattr(sys, "_base_executable", sys.executable)
    steps = [
        [base, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", f"eark-validator=={VERSION}"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            return f"cannot install eark-validator {VERSION}: {done.stderr.strip()[-500:]}"
    (venv / ".installed").touch()
    return None


@pytest.fixture(scope="module")
def eark_validate() -> Callable[[Path], dict[str, Any]]:
    venv = _venv()
    problem = _install(venv)
    if problem:
        if os.environ.get("VANTHU_TEST_EARK") == "1":
            pytest.fail(problem)
        pytest.skip(problem)

    def validate(package: Path) -> dict[str, Any]:
        done = subprocess.run(
            [str(_python(venv)), str(RUNNER), str(package)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return report

    return validate


def errors(report: dict[str, Any]) -> list[str]:
    """Every error-level message of the report, as 'rule: message' lines."""
    found = []
    parts = [report.get("structure") or {}]
    metadata = report.get("metadata") or {}
    parts += [metadata.get("schema_results") or {}, metadata.get("schematron_results") or {}]
    for part in parts:
        for m in part.get("messages", []):
            if m.get("severity") == "Error":
                found.append(f"{m.get('rule_id')}: {m.get('message')} @ {m.get('location')}")
    return found
