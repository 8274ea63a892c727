"""The router path end to end: the probe script over one real SSH session (dropbear,
BusyBox ash only, the fake router of tests/collect/rig.py) to the simulator's pty, through
the collector's asyncssh transport."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from modem_doctor.load import build_host
from modem_doctor.probe import plan
from modem_doctor.probe.run import Targets, extractions, probe_ssh

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))
import rig  # noqa: E402

pytestmark = [pytest.mark.skipif(bool(rig.missing_tools()), reason=f"needs {', '.join(rig.missing_tools())}")]
pytest.importorskip("asyncssh", reason="asyncssh not installed (pip install '.[ssh]')")


@pytest.fixture
def router():
    made = rig.FakeRouter()
    try:
        made.start()
        yield made
    finally:
        made.stop()
        made.cleanup()


def test_probe_over_ssh_with_busybox_ash(router, modem):
    sims = modem("pin-required", qmi=False)
    pty = os.path.realpath(sims[0].link)
    os.chmod(pty, 0o666)  # our own pty; the SSH account is unprivileged
    before = len(router.sessions())
    result = probe_ssh(router.target, Targets(at=(pty,), vendor="huawei"), timeout=2, **router.ssh_options())
    assert len(router.sessions()) == before + 1  # one SSH session for the whole probe
    assert result.problems == ()
    assert result.captures[0].id == "at." + os.path.basename(pty)
    session = next(f.value for f in build_host(extractions(result)).modem if f.kind == "at_transcript")
    assert session.sim[0].state == "pin"
    for entry in sims[0].engine.log:
        plan.check_at("AT" + entry, restoring=entry.startswith("+CMEE="))
    assert sims[0].engine.cmee == 0
