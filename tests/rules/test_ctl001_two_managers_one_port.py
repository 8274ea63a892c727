"""CTL001 on real text: a router where ModemManager runs beside a qmi interface
(openwrt-ipq#3: uqmi 'Request timed out' / 'Failed to connect to service'), with a real
LuCI qmi interface; the timeouts alone warn; ModemManager alone, uqmi alone stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.ctl001_two_managers_one_port import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _findings(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "input.txt"))))


def test_registered_with_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "CTL001"]
    assert rule.name == "two-managers-one-control-port"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_modemmanager_beside_qmi_sh_fires() -> None:
    (finding,) = _findings(_text("modem/logs/openwrt-ipq-3-qmi-and-mm.txt"))
    assert finding.severity is Severity.ERROR
    assert finding.title == "ModemManager and the qmi.sh interface both drive the modem's control port"
    texts = [e.text for e in finding.evidence]
    assert "<wrn> [modem0] could not load SIM identifier" in texts[0]
    assert texts[1].endswith("5g (4178): Request timed out")
    assert texts[2].endswith('"Failed to connect to service"')
    assert "proto 'modemmanager'" in finding.fix and "service modemmanager disable" in finding.fix


def test_names_the_qmi_interface_when_its_configuration_is_shown() -> None:
    text = _text("uci/network_qmi_luci5283.conf") + "\n" + _text("modem/logs/openwrt-ipq-3-qmi-and-mm.txt")
    (finding,) = _findings(text)
    assert "'skinny' (proto qmi)" in finding.title
    assert finding.evidence[0].text.strip() == "option proto 'qmi'"


def test_timeouts_alone_warn() -> None:
    # the same log up to the first ModemManager line: only the symptom is shown
    lines = _text("modem/logs/openwrt-ipq-3-qmi-and-mm.txt").splitlines()[:9]
    (finding,) = _findings("\n".join(lines))
    assert finding.severity is Severity.WARNING
    assert finding.title.startswith("The modem's control port does not answer")
    assert len(finding.evidence) == 4 and "ps | grep" in finding.fix


def test_start_network_timing_out_warns() -> None:
    # openwrt#18727 (ZTE MF286C): registration passes, --start-network times out
    (finding,) = _findings(_text("modem/logs/openwrt-18727-mf286c-timeout.txt"))
    assert finding.severity is Severity.WARNING
    assert [e.line for e in finding.evidence] == [8]


def test_a_hung_uqmi_in_ps_warns() -> None:
    # openwrt#10472: qmi.sh waits behind a uqmi that never returns
    (finding,) = _findings(_text("modem/uqmi/openwrt-10472-hung-uqmi-ps.txt"))
    assert finding.severity is Severity.WARNING
    assert finding.title == ("A uqmi request is still waiting for the modem and holds its control port "
                             "(-s -d /dev/cdc-wdm0 --get-pin-status)")
    assert [e.line for e in finding.evidence] == [2]
    assert "kill stale uqmi processes by PID" in finding.fix


def test_one_manager_stays_silent() -> None:
    assert _findings(_text("log/github-istoreos-1474-logread-mm.txt")) == []  # ModemManager alone
    assert _findings(_text("log/github-lede-238-logread-uqmi.txt")) == []  # uqmi alone
    assert _findings(_text("pastes/forum-188967-mf286d.txt")) == []  # qmi interface, no ModemManager
    assert _findings(_text("modem/qmicli/mu609-ready.txt")) == []
    assert _findings(_text("modem/uqmi/openwrt-10472-after-kill.txt")) == []  # answered once killed
