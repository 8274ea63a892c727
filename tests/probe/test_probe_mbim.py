"""The MBIM probe: the real mbimcli (read-only --query-* options) against the simulated
EM7455 on a pty."""

from __future__ import annotations

import shutil

import pytest

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import build_host
from modem_doctor.probe import plan
from modem_doctor.probe.run import extractions, probe_tool_local
from modem_doctor.sim.pty import start

pytestmark = pytest.mark.skipif(shutil.which("mbimcli") is None, reason="mbimcli not installed (libmbim-utils)")


@pytest.mark.parametrize("scenario,code", [("sim-absent", "SIM001"), ("pin-required", "SIM002")])
def test_mbimcli_probe(scenario, code, tmp_path):
    sim = start("mbim", "em7455", scenario, link=str(tmp_path / "cdc-wdm1"))
    try:
        result = probe_tool_local("mbimcli", sim.link, plan.MBIMCLI, 8)
    finally:
        sim.stop()
    assert result.problems == ()
    assert result.sent == tuple(f"mbimcli {o}" for o in plan.MBIMCLI)
    host = build_host(extractions(result))
    assert [f.kind for f in host.modem] == ["mbimcli"]
    assert code in [f.code for f in diagnose(host).findings]
