"""Fixtures for the simulator tests: pty simulators that always stop, real-client runners."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Callable, Iterator, List

import pytest

from modem_doctor.sim.pty import PtySimulator, start

# Warnings qmicli prints because a pty is not a cdc-wdm device (see docs/simulators.md).
PTY_NOISE = ("couldn't detect transport type", "requested QMI mode but unexpected transport type")


@pytest.fixture
def sim(tmp_path) -> Iterator[Callable[..., PtySimulator]]:
    """``sim(kind, profile, scenario, **kw)`` starts a pty simulator linked under tmp_path."""
    started: List[PtySimulator] = []

    def make(kind: str, profile: str = "mu609", scenario: str = "ready", **kw: object) -> PtySimulator:
        link = str(tmp_path / f"{kind}{len(started)}")
        simulator = start(kind, profile, scenario, link=link, **kw)  # type: ignore[arg-type]
        started.append(simulator)
        return simulator

    yield make
    for simulator in started:
        simulator.stop()
        assert simulator.thread is None or not simulator.thread.is_alive()
        assert not os.path.lexists(simulator.link or "")


def _run(argv: List[str], timeout: float = 20.0) -> subprocess.CompletedProcess:
    # subprocess.run kills the child (by its own PID) when the timeout expires.
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def qmicli() -> Callable[..., subprocess.CompletedProcess]:
    """Run the real qmicli on a simulator: ``qmicli(sim, "--dms-get-ids")``. Never uses -p,
    so no qmi-proxy is started."""
    path = shutil.which("qmicli")
    if path is None:
        pytest.skip("qmicli not installed (Debian package libqmi-utils)")

    def run(simulator: PtySimulator, *args: str) -> subprocess.CompletedProcess:
        assert "-p" not in args and "--device-open-proxy" not in args
        result = _run([path, "--device-open-qmi", "-d", simulator.link or simulator.path, *args])
        result.stderr = "\n".join(line for line in result.stderr.splitlines()
                                  if not any(noise in line for noise in PTY_NOISE))
        return result
    return run


@pytest.fixture
def mbimcli() -> Callable[..., subprocess.CompletedProcess]:
    """Run the real mbimcli on a simulator: ``mbimcli(sim, "--query-device-caps")`` (no -p)."""
    path = shutil.which("mbimcli")
    if path is None:
        pytest.skip("mbimcli not installed (Debian package libmbim-utils)")

    def run(simulator: PtySimulator, *args: str) -> subprocess.CompletedProcess:
        assert "-p" not in args and "--device-open-proxy" not in args
        return _run([path, "-d", simulator.link or simulator.path, *args])
    return run
