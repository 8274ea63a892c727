"""Issue 7, must show: against the QMI, MBIM and AT simulators, one scenario per fault, the
real qmicli/mbimcli (or pyserial) output pasted into a diagnosis names the right cause.

Each case starts a simulator on a pty, runs the real client, writes the session the way a
user pastes it (a '# tool ...' line before each output), diagnoses it with every rule, and
checks that exactly the expected modem rule fires (no other SIM/REG/CTL/NET002 finding).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from typing import List, Optional, Tuple

import pytest

from modem_doctor.load import load_text
from modem_doctor.rules import run_rules
from modem_doctor.rules.context import build_context
from modem_doctor.sim.pty import PtySimulator, start

MODEM_CODES = {"SIM001", "SIM002", "SIM003", "REG001", "REG002", "REG003", "REG004", "CTL001", "NET002"}
_NOISE = ("couldn't detect transport type", "requested QMI mode but unexpected transport type")

QMI_COMMANDS = (
    "--uim-get-card-status", "--dms-uim-get-pin-status", "--nas-get-signal-strength", "--nas-get-serving-system",
    "--wda-get-data-format", "--wds-start-network=apn=internet,ip-type=4", "--wds-start-network=apn=internet,ip-type=6",
)
MBIM_COMMANDS = ("--query-subscriber-ready-status", "--query-pin-state", "--query-registration-state",
                 "--query-signal-state", "--connect=apn=internet")
AT_COMMANDS = ("AT+CPIN?", "AT^CPIN?", "AT+CSQ", "AT+CREG=2", "AT+CREG?", "AT+CGREG?", "AT+COPS?", "AT+CGDCONT?",
               "AT+CGACT=1,1", "AT+CEER")


def _session(tool: str, simulator: PtySimulator, commands: Tuple[str, ...], timeout: float = 20.0) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip("%s not installed (Debian libqmi-utils / libmbim-utils)" % tool)
    out: List[str] = []
    link = simulator.link or ""
    for args in commands:
        argv = [path, "--device-open-qmi", "-d", link, args] if tool == "qmicli" else [path, "-d", link, args]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        text = "\n".join(line for line in (result.stdout + result.stderr).splitlines()
                         if not any(noise in line for noise in _NOISE))
        out.append("# %s -d /dev/cdc-wdm0 %s" % (tool, args))
        out.append(text.replace("[%s]" % link, "[/dev/cdc-wdm0]"))
    return "\n".join(out) + "\n"


def _at_session(simulator: PtySimulator) -> str:
    serial = pytest.importorskip("serial")
    port = serial.Serial(simulator.link, 115200, timeout=0.1)
    transcript = b""
    try:
        for command in ("ATE1", "AT+CMEE=2") + AT_COMMANDS:
            port.write(command.encode() + b"\r")
            deadline = time.monotonic() + 3
            answer = b""
            while time.monotonic() < deadline:
                answer += port.read(4096)
                tail = answer.decode("latin-1").strip().splitlines()[-1:] if answer.strip() else []
                if tail and (tail[0] in ("OK", "ERROR") or tail[0].startswith("+CME ERROR")):
                    break
            transcript += answer
    finally:
        port.close()
    return transcript.decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")


def _modem_findings(text: str) -> List[str]:
    findings = run_rules(build_context(load_text(text, "paste.txt")))
    return sorted({f.code for f in findings if f.code in MODEM_CODES})


def _run(kind: str, profile: str, scenario: str, tmp_path, overrides=None) -> str:  # type: ignore[no-untyped-def]
    simulator = start(kind, profile, scenario, link=str(tmp_path / kind), overrides=overrides)
    try:
        if kind == "qmi":
            return _session("qmicli", simulator, QMI_COMMANDS)
        if kind == "mbim":
            return _session("mbimcli", simulator, MBIM_COMMANDS)
        return _at_session(simulator)
    finally:
        simulator.stop()


@pytest.mark.parametrize("scenario, expected", [
    ("ready", None),
    ("sim-absent", "SIM001"),
    ("pin-required", "SIM002"),
    ("puk-required", "SIM003"),
    ("registration-denied", "REG001"),
    ("no-coverage", "REG002"),
    ("wrong-apn", "REG003"),
    ("ipv6-refused", "REG004"),
])
def test_qmicli_against_the_qmi_simulator(scenario: str, expected: Optional[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _run("qmi", "mu609", scenario, tmp_path)
    assert _modem_findings(text) == ([expected] if expected else [])


@pytest.mark.parametrize("scenario, expected", [
    ("ready", None),
    ("sim-absent", "SIM001"),
    ("pin-required", "SIM002"),
    ("registration-denied", "REG001"),
    ("no-coverage", "REG002"),
])
def test_mbimcli_against_the_mbim_simulator(scenario: str, expected: Optional[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _run("mbim", "em7455", scenario, tmp_path)
    assert _modem_findings(text) == ([expected] if expected else [])


@pytest.mark.parametrize("profile, scenario, expected", [
    ("mu609", "ready", None),
    ("mu609", "sim-absent", "SIM001"),
    ("mu609", "pin-required", "SIM002"),
    ("mu609", "puk-required", "SIM003"),
    ("mu609", "registration-denied", "REG001"),
    ("mu609", "no-coverage", "REG002"),
    ("ec25", "wrong-apn", "REG003"),
    ("ec25", "registration-denied", "REG001"),
])
def test_at_session_against_the_at_simulator(profile: str, scenario: str, expected: Optional[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _run("at", profile, scenario, tmp_path)
    assert _modem_findings(text) == ([expected] if expected else [])


@pytest.mark.parametrize("cause, expected, title", [
    (27, "REG003", "The network refuses the APN of the data call (#27 Missing or unknown APN)"),
    (29, "REG003", "The APN refuses the user name and password of the data call (#29 User authentication failed)"),
    (28, "REG004", "The network refuses the IP type asked for (#28 Unknown PDP address or PDP type)"),
])
def test_qmicli_session_causes_decoded(cause: int, expected: str, title: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _run("qmi", "ec25", "wrong-apn", tmp_path, overrides={"data.apn_reject_cause": cause})
    findings = [f for f in run_rules(build_context(load_text(text, "paste.txt"))) if f.code in MODEM_CODES]
    assert [(f.code, f.title) for f in findings] == [(expected, title)]


def test_a_hung_qmi_port_is_a_control_channel_finding(tmp_path) -> None:  # type: ignore[no-untyped-def]
    simulator = start("qmi", "mu609", "port-hung", link=str(tmp_path / "qmi"))
    try:
        text = _session("qmicli", simulator, ("--dms-get-ids",), timeout=30)
    finally:
        simulator.stop()
    assert "Transaction timed out" in text
    assert _modem_findings(text) == ["CTL001"]
