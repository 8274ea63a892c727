"""The package type-checks: ``mypy src/modem_doctor`` with the settings in pyproject.toml
([tool.mypy]) exits 0. Annotations are only worth having while something reads them; this
keeps a wrong Optional, a variable reused with another type or a stale ``type: ignore``
from creeping back in. Skipped where mypy is not installed (it is in the ``dev`` extra)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed (pip install -e '.[dev]')")
def test_mypy_passes() -> None:
    # run from the checkout so that mypy reads pyproject.toml's [tool.mypy]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "src/modem_doctor", "--ignore-missing-imports"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:]
