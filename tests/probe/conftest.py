"""Fixtures for the probe tests: a simulated modem (AT + QMI ports on ptys, one state)
that always stops, and the real qmicli when installed."""

from __future__ import annotations

import os
import shutil
from typing import Callable, Iterator, List

import pytest

from modem_doctor.sim.pty import PtySimulator, start_modem

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "probe")


@pytest.fixture
def modem(tmp_path) -> Iterator[Callable[..., List[PtySimulator]]]:
    """``modem(scenario, profile="mu609")`` -> [at_sim, qmi_sim] linked as tmp_path/ttyUSB2
    and tmp_path/cdc-wdm0."""
    started: List[PtySimulator] = []

    def make(scenario: str, profile: str = "mu609", qmi: bool = True) -> List[PtySimulator]:
        links = {"at": str(tmp_path / "ttyUSB2")}
        if qmi:
            links["qmi"] = str(tmp_path / "cdc-wdm0")
        sims = start_modem(profile, scenario, links=links)
        started.extend(sims)
        return sims

    yield make
    for simulator in started:
        simulator.stop()


@pytest.fixture
def need_qmicli() -> str:
    path = shutil.which("qmicli")
    if path is None:
        pytest.skip("qmicli not installed (Debian package libqmi-utils)")
    return path
