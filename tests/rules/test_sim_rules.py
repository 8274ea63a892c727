"""SIM001-SIM003 on real text: AT sessions (pyserial) and qmicli/mbimcli runs against the
simulators, mmcli from xmm7360-pci#227, a netifd log from openwrt-ipq#3; ready transcripts,
a forum post whose SIM answers READY, and uqmi output of a SIM without PIN stay silent."""

from __future__ import annotations

import os
from typing import List

import pytest

from modem_doctor.load import load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules import sim001_sim_absent_or_failed as sim001
from modem_doctor.rules import sim002_pin_needed_or_rejected as sim002
from modem_doctor.rules import sim003_sim_blocked as sim003
from modem_doctor.rules.context import build_context

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(module, *relatives: str) -> List[Finding]:  # type: ignore[no-untyped-def]
    texts = []
    for relative in relatives:
        with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
            texts.append(handle.read())
    return list(module.check(build_context(load_text("\n".join(texts), "input.txt"))))


@pytest.mark.parametrize("code", ["SIM001", "SIM002", "SIM003"])
def test_registered_with_documentation(code: str) -> None:
    (rule,) = [r for r in load_rules() if r.code == code]
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


@pytest.mark.parametrize("relative, cited", [
    ("modem/at/mu609-sim-absent.txt", "+CME ERROR: SIM not inserted"),
    ("modem/qmicli/mu609-sim-absent.txt", "Card state: 'absent'"),
    ("modem/mbimcli/em7455-sim-absent.txt", "error: operation failed: SimNotInserted"),
    ("modem/mmcli/xmm7360-227-sim-missing.txt", "failed reason: sim-missing"),
])
def test_sim_absent_fires(relative: str, cited: str) -> None:
    (finding,) = _findings(sim001, relative)
    assert finding.code == "SIM001" and finding.severity is Severity.ERROR
    assert finding.title == "The modem sees no SIM card"
    assert any(cited in e.text for e in finding.evidence), [e.text for e in finding.evidence]
    assert "reseat the SIM" in finding.fix


def test_sim_illegal_state_in_the_qmi_log_is_a_failure() -> None:
    (finding,) = _findings(sim001, "modem/logs/openwrt-ipq-3-qmi-and-mm.txt")
    assert finding.title == "The SIM card does not answer (SIM failure)"
    assert [e.line for e in finding.evidence] == [7]


@pytest.mark.parametrize("relative", [
    "modem/at/mu609-ready.txt", "modem/qmicli/ec25-ready.txt", "modem/mbimcli/em7455-ready.txt",
    "modem/at/mu609-pin-required.txt",
    "modem/at/chan-dongle-79-pin-entered.txt",  # +CLCK's SIM failure right after the PIN, no READY shown
])
def test_sim_present_stays_silent(relative: str) -> None:
    assert _findings(sim001, relative) == []


def test_sim_failure_to_a_pin_lock_command_after_ready_warns() -> None:
    # Quectel forum 36169 (the rm502q-sim-pin example): +CPIN: READY, then AT+CLCK="SC",1,"2345"
    # answers SIM failure; the earlier failure (line 20) came before the second READY (line 24)
    (finding,) = _findings(sim001, "pastes/quectel-36169-rm502q-pin.txt")
    assert finding.severity is Severity.WARNING
    assert finding.title == "The SIM fails its PIN-lock command (SIM failure) although it read READY"
    assert [(e.line, e.text) for e in finding.evidence] == [(27, "+CME ERROR: SIM failure")]
    assert "reseat the SIM" in finding.fix


@pytest.mark.parametrize("relative, line", [
    ("modem/at/mu609-pin-required.txt", 43),  # ^CPIN: SIM PIN,3,10,3,10,3 after +CPIN: SIM PIN
    ("modem/at/em7455-pin-required.txt", 41),
    ("modem/qmicli/mu609-pin-required.txt", 27),
    ("modem/mbimcli/em7455-pin-required.txt", 53),
])
def test_pin_needed_fires(relative: str, line: int) -> None:
    (finding,) = _findings(sim002, relative)
    assert finding.code == "SIM002"
    assert finding.title == "The SIM waits for its PIN and none is configured"
    assert finding.evidence[0].line == line
    assert "pincode" in finding.fix


def test_pin_needed_cites_the_configured_pincode() -> None:
    # a real qmi interface (LuCI, luci#5283) has no pincode: the finding says none is configured
    (finding,) = _findings(sim002, "modem/qmicli/mu609-pin-required.txt", "uci/network_qmi_luci5283.conf")
    assert "none is configured" in finding.title
    assert "uci set network.skinny.pincode='PIN'" in finding.fix


@pytest.mark.parametrize("relative", [
    "modem/at/mu609-ready.txt", "modem/qmicli/mu609-ready.txt", "modem/uqmi/openwrt-9501-pin-status.txt",
    "modem/at/mu609-puk-required.txt", "pastes/forum-248352-rm500u.txt",
    "modem/at/chan-dongle-79-pin-entered.txt",  # the PIN was entered and accepted
])
def test_no_pin_needed_stays_silent(relative: str) -> None:
    assert _findings(sim002, relative) == []


@pytest.mark.parametrize("relative, cited", [
    ("modem/at/mu609-puk-required.txt", "^CPIN: SIM PUK"),
    ("modem/qmicli/mu609-puk-required.txt", "Application state: 'puk1-or-upin-puk-required'"),
])
def test_puk_needed_fires(relative: str, cited: str) -> None:
    (finding,) = _findings(sim003, relative)
    assert finding.code == "SIM003"
    assert finding.title == "The SIM is blocked and needs its PUK (10 PUK tries left)"
    assert cited in finding.evidence[0].text
    assert "PUK" in finding.fix


@pytest.mark.parametrize("relative", [
    "modem/at/mu609-pin-required.txt", "modem/qmicli/mu609-ready.txt", "modem/uqmi/openwrt-9501-pin-status.txt",
])
def test_not_blocked_stays_silent(relative: str) -> None:
    assert _findings(sim003, relative) == []
