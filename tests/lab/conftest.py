"""Lab scenarios run once per test session (each boots one VM) and are shared by tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Dict

import pytest

_RESULTS: Dict[str, Dict[str, object]] = {}


def _rig_or_skip() -> None:
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("lab: qemu-system-x86_64 is not installed (Debian qemu-system-x86)")
    if not os.path.exists("/usr/bin/busybox") and not os.path.exists("/bin/busybox"):
        pytest.skip("lab: busybox-static is not installed")
    from modem_doctor.lab.rig import LabError, build

    try:
        build()
    except LabError as error:
        pytest.skip(f"lab: cannot build the rig (kernel download or tools unavailable): {error}")


@pytest.fixture(scope="session")
def lab_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``lab_run(name, *options)`` -> (facts, out_dir); each distinct run boots once."""

    def run(name: str, *options: str):  # type: ignore[no-untyped-def]
        key = " ".join((name,) + options)
        if key not in _RESULTS:
            _rig_or_skip()
            from modem_doctor.lab import run_scenario

            out = tmp_path_factory.mktemp(name.replace("-", "_"))
            facts = run_scenario(name, out, list(options), timeout=240)
            _RESULTS[key] = {"facts": facts, "out": out}
        entry = _RESULTS[key]
        return entry["facts"], Path(str(entry["out"]))

    return run


@pytest.fixture(scope="session")
def lab_runs() -> Dict[str, Dict[str, object]]:
    """Every run made so far in this session (for the clean-up test)."""
    return _RESULTS
