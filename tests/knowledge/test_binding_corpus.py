"""The binding emulation against the real corpus (tests/fixtures/corpus/SOURCE.md): the
benchmark's accuracy aim holds, and every disagreement it prints carries a class."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCHMARK = REPO / "benchmarks" / "driver_accuracy.py"
CLASSES = ("untrustworthy", "newer", "unmerged", "before-patch", "not-offered", "miss")


def test_trustworthy_interfaces_meet_the_aim() -> None:
    result = subprocess.run([sys.executable, str(BENCHMARK)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    figures = re.search(r"trustworthy interfaces: (\d+), right: (\d+)", result.stdout)
    assert figures is not None
    trusted, right = int(figures.group(1)), int(figures.group(2))
    assert trusted > 1000 and right / trusted >= 0.98
    # probe rules beat modalias matching alone by a wide margin
    fully = int(re.search(r"\((\d+) fully right", result.stdout).group(1))  # type: ignore[union-attr]
    alias = int(re.search(r"alias matching alone .*?: (\d+) listings", result.stdout).group(1))  # type: ignore[union-attr]
    assert fully > 2 * alias
    detail = result.stdout.split("\n\n", 1)[1].strip().splitlines()
    assert detail and all(line.split()[0] in CLASSES for line in detail)
