"""The router side: at_helper.sh under BusyBox ash against the simulator's pty, through the
same framed script the SSH probe sends; and the refusal when ModemManager holds the port
(a process really named ModemManager holding the pty open), on both paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from modem_doctor.errors import ProbeError
from modem_doctor.load import build_host
from modem_doctor.probe import plan
from modem_doctor.probe.at_channel import check_port, owner_problem, Owner
from modem_doctor.probe.run import Targets, extractions, probe_at_local, probe_shell

BUSYBOX = shutil.which("busybox")
ASH = [BUSYBOX, "sh"] if BUSYBOX else None
needs_busybox = pytest.mark.skipif(BUSYBOX is None, reason="busybox not installed")


@needs_busybox
def test_helper_under_busybox_ash_reads_the_modem_and_changes_nothing(modem, need_qmicli):
    sims = modem("sim-absent")
    result = probe_shell(Targets(at=(sims[0].link,), qmi=(sims[1].link,), vendor="huawei"), timeout=1,
                         use_qmicli=True, shell=ASH)
    assert result.problems == ()
    ids = [c.id for c in result.captures]
    assert ids[:2] == ["at.ttyUSB2", "qmicli.cdc-wdm0"]
    host = build_host(extractions(result))
    sessions = {f.kind: f.value for f in host.modem}
    assert sessions["at_transcript"].sim[0].state == "absent"
    assert sessions["at_transcript"].sim[0].detail == "SIM not inserted"  # +CMEE=2 was in force
    assert any(s.state == "absent" for s in sessions["qmicli"].sim)
    log = sims[0].engine.log
    assert log[:2] == ["+CMEE?", "+CMEE=2"] and log[-1] == "+CMEE=0"
    for entry in log:
        plan.check_at("AT" + entry, restoring=entry.startswith("+CMEE="))
    assert sims[0].engine.cmee == 0


@needs_busybox
def test_helper_on_a_hung_port_gives_one_line_and_stops(modem):
    sims = modem("port-hung", qmi=False)
    started = time.monotonic()
    result = probe_shell(Targets(at=(sims[0].link,), vendor="huawei"), timeout=1, shell=ASH)
    assert time.monotonic() - started < 10
    assert result.captures[0].text.splitlines() == [
        "AT+CMEE?", f"no answer from {sims[0].link} within 1 s to AT+CMEE? (timed out)"]
    assert result.problems and "hung" in result.problems[0]


@pytest.fixture
def fake_modemmanager(tmp_path):
    """Start a process whose name is ModemManager holding ``path`` open; yields a starter."""
    sleep = shutil.which("sleep")
    if sleep is None:
        pytest.skip("no sleep binary")
    exe = tmp_path / "ModemManager"
    shutil.copy(sleep, exe)
    started = []

    def start(path: str) -> subprocess.Popen:
        handle = open(path, "rb", buffering=0)
        proc = subprocess.Popen([str(exe), "30"], stdin=handle)
        handle.close()
        started.append(proc)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not os.path.exists(f"/proc/{proc.pid}/fd/0"):
            time.sleep(0.05)
        time.sleep(0.2)  # exec done: the name is ModemManager now
        return proc

    yield start
    for proc in started:
        proc.kill()  # by its own PID
        proc.wait()


def test_local_probe_refuses_a_port_modemmanager_holds(modem, fake_modemmanager):
    sims = modem("ready", qmi=False)
    proc = fake_modemmanager(sims[0].link)
    with pytest.raises(ProbeError, match=r"held by ModemManager \(pid %d\).*mmcli -m <index> --inhibit" % proc.pid):
        check_port(sims[0].link)
    result = probe_at_local(sims[0].link, "huawei")
    assert result.captures == () and "ModemManager" in result.problems[0]
    assert sims[0].engine.log == []  # nothing was written
    # The user says ModemManager does not manage this modem: the probe goes ahead.
    assert probe_at_local(sims[0].link, "huawei", ignore_modemmanager=True, timeout=1).captures


@needs_busybox
def test_router_probe_refuses_a_port_modemmanager_holds(modem, fake_modemmanager):
    sims = modem("ready", qmi=False)
    fake_modemmanager(sims[0].link)
    result = probe_shell(Targets(at=(sims[0].link,), vendor="huawei"), timeout=1, shell=ASH)
    assert [c.id for c in result.captures if c.id.startswith("at.")] == []
    assert "held by ModemManager" in result.problems[0] and "--inhibit" in result.problems[0]
    assert sims[0].engine.log == []


def test_owner_problem_wording():
    assert owner_problem("/dev/ttyUSB2", (), ()) is None
    ppp = owner_problem("/dev/ttyUSB0", (Owner(42, "pppd"),), ())
    assert ppp and "PPP data port" in ppp
    mm = owner_problem("/dev/ttyUSB2", (), (7,))
    assert mm and "may own /dev/ttyUSB2" in mm and "--ignore-modemmanager" in mm
