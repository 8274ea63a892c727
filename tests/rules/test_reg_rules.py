"""REG001-REG004 on real text: AT sessions and qmicli/mbimcli runs against the simulators'
faults, real OpenWrt network configurations (luci#5283, forum 188967), the case thread's
listings; ready transcripts and the other faults stay silent (each fault has one rule)."""

from __future__ import annotations

import os
from typing import List

import pytest

from modem_doctor.load import load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules import reg001_registration_denied as reg001
from modem_doctor.rules import reg002_no_coverage as reg002
from modem_doctor.rules import reg003_apn_mismatch as reg003
from modem_doctor.rules import reg004_pdp_type_refused as reg004
from modem_doctor.rules.context import build_context

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _findings(module, *relatives: str) -> List[Finding]:  # type: ignore[no-untyped-def]
    return list(module.check(build_context(load_text("\n".join(_text(r) for r in relatives), "input.txt"))))


@pytest.mark.parametrize("code", ["REG001", "REG002", "REG003", "REG004"])
def test_registered_with_documentation(code: str) -> None:
    (rule,) = [r for r in load_rules() if r.code == code]
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


# ---------------------------------------------------------------- REG001


@pytest.mark.parametrize("relative, cause_line", [
    ("modem/at/mu609-registration-denied.txt", '+CEER: "MM",11,"PLMN not allowed"'),
    ("modem/at/ec25-registration-denied.txt", '+CEER: "EMM",11,"PLMN not allowed"'),  # LTE: an EMM cause
    ("modem/mbimcli/em7455-registration-denied.txt", "Network error: 'plmn-not-allowed'"),
])
def test_denied_with_cause_decoded(relative: str, cause_line: str) -> None:
    (finding,) = _findings(reg001, relative)
    assert finding.title == "The network refuses registration: cause #11 PLMN not allowed"
    assert finding.evidence[-1].text.strip() == cause_line
    assert "automatic operator selection" in finding.fix and "subscription" in finding.why


def test_denied_without_cause_gives_the_general_advice() -> None:
    (finding,) = _findings(reg001, "modem/qmicli/mu609-registration-denied.txt")
    assert finding.title == "The network refuses registration"
    assert [e.line for e in finding.evidence] == [54]
    assert "AT+CEER" in finding.fix


@pytest.mark.parametrize("relative", [
    "modem/at/mu609-ready.txt", "modem/qmicli/mu609-no-coverage.txt", "modem/mbimcli/em7455-ready.txt",
    "modem/uqmi/openwrt-wiki-ltedongle.txt",
])
def test_not_denied_stays_silent(relative: str) -> None:
    assert _findings(reg001, relative) == []


# ---------------------------------------------------------------- REG002


def test_no_coverage_at_no_signal() -> None:
    (finding,) = _findings(reg002, "modem/at/mu609-no-coverage.txt")
    assert finding.title == "The modem finds no network to register on (no signal)"
    texts = [e.text for e in finding.evidence]
    assert texts[:2] == ["+CREG: 2,2", "+CGREG: 0,2"]
    assert '^HCSQ:"NOSERVICE"' in texts and "+CME ERROR: no network service" in texts


def test_no_coverage_qmicli_and_mbimcli() -> None:
    (qmi,) = _findings(reg002, "modem/qmicli/mu609-no-coverage.txt")
    assert "not-registered-searching" in qmi.evidence[0].text
    assert any("generic-no-service" in e.text or "CallFailed" in e.text for e in qmi.evidence[1:])
    (mbim,) = _findings(reg002, "modem/mbimcli/em7455-no-coverage.txt")
    assert [e.text.strip() for e in mbim.evidence] == ["Register state: 'searching'", "RSSI [0-31,99]: '99'"]


def test_no_coverage_names_a_restricting_mode() -> None:
    # the MOD003 fixture: the simulated MU609 set to LTE only (AT^SYSCFGEX="03")
    (finding,) = _findings(reg002, "rules/mod003/sim-mu609-lte-only-at.txt")
    assert finding.fix.startswith("The modem is restricted to lte (SYSCFGEX)")
    assert any(e.text.startswith("^SYSCFGEX:") for e in finding.evidence)


@pytest.mark.parametrize("relative", [
    "modem/at/mu609-ready.txt", "modem/qmicli/ec25-ready.txt",
    "modem/at/mu609-pin-required.txt",  # the SIM explains it (SIM002)
    "modem/at/mu609-registration-denied.txt",  # the network refused (REG001)
    "modem/mbimcli/em7455-sim-absent.txt",
])
def test_registered_or_explained_elsewhere_stays_silent(relative: str) -> None:
    assert _findings(reg002, relative) == []


# ---------------------------------------------------------------- REG003


def test_apn_refused_with_the_configured_apn() -> None:
    (finding,) = _findings(reg003, "modem/qmicli/mu609-wrong-apn.txt", "uci/network_qmi_luci5283.conf")
    assert finding.title == ("The network refuses the APN 'skinnybroadband' "
                             "(#33 Requested service option not subscribed)")
    assert [e.text.strip() for e in finding.evidence][-1] == "option apn 'skinnybroadband'"
    assert "uci set network.skinny.apn='OPERATOR_APN'; uci commit network; ifup skinny." in finding.fix


def test_apn_refused_at_notes_the_modem_context() -> None:
    (finding,) = _findings(reg003, "modem/at/ec25-wrong-apn.txt", "uci/network_qmi_luci5283.conf")
    assert "the modem's context 1 holds 'internet'" in finding.fix
    assert any(e.text.startswith('+CEER: "SM",33') for e in finding.evidence)


@pytest.mark.parametrize("relative", [
    "modem/qmicli/mu609-ready.txt", "modem/qmicli/mu609-ipv6-refused.txt", "modem/at/mu609-sim-absent.txt",
    "uci/network_qmi_luci5283.conf",
])
def test_apn_accepted_stays_silent(relative: str) -> None:
    assert _findings(reg003, relative) == []


# ---------------------------------------------------------------- REG004


def test_ipv6_refused_with_ipv4v6_configured() -> None:
    (finding,) = _findings(reg004, "modem/qmicli/mu609-ipv6-refused.txt", "pastes/forum-188967-mf286d.txt")
    assert finding.severity is Severity.ERROR
    assert finding.title == "The network refuses the IP type asked for (#50 PDP type IPv4 only allowed on the IPv6 call)"
    assert [e.text.strip() for e in finding.evidence] == [
        "error: couldn't start network: QMI protocol error (14): 'CallFailed'", "option pdptype 'ipv4v6'"]
    assert finding.fix.endswith("uci set network.lte.pdptype='ipv4'; uci commit network; ifup lte.")


def test_ipv4v6_on_the_case_3g_module_warns() -> None:
    text = read_example("we826-mu609") + "\n" + _text("pastes/forum-188967-mf286d.txt")
    (finding,) = reg004.check(build_context(load_text(text, "input.txt")))
    assert finding.severity is Severity.WARNING
    assert finding.title == "pdptype 'ipv4v6' on a 3G module: dual-stack contexts are rarely offered on 3G"


@pytest.mark.parametrize("relative", [
    "modem/qmicli/mu609-ready.txt", "modem/qmicli/mu609-wrong-apn.txt",
    "pastes/forum-188967-mf286d.txt",  # ipv4v6 on an LTE router modem, no failure shown
    "uci/network_qmi_luci5283.conf",
])
def test_ip_type_accepted_stays_silent(relative: str) -> None:
    assert _findings(reg004, relative) == []


# A stale +CEER: the probe's AT transcript of the simulated MU609 taken after netifd's IPv6
# call was refused (#50) keeps showing the cause; what the interface asks for now decides.

def test_ceer_cause_50_with_ipv4v6_configured_fires() -> None:
    (finding,) = _findings(reg004, "modem/at/mu609-ipv6-refused-ceer.txt", "probe/uci-ipv4v6/network")
    assert finding.title == "The network refuses the IP type asked for (#50 PDP type IPv4 only allowed)"
    assert [e.text.strip() for e in finding.evidence] == [
        '+CEER: "SM",50,"PDP type IPv4 only allowed"', "option pdptype 'ipv4v6'"]


def test_ceer_cause_50_without_configuration_still_counts() -> None:
    (finding,) = _findings(reg004, "modem/at/mu609-ipv6-refused-ceer.txt")
    assert finding.evidence[0].line == 65


@pytest.mark.parametrize("relatives", [
    ("modem/at/mu609-ipv6-refused-ceer.txt", "probe/uci-wrong-apn/network"),  # pdptype 'ip' now
    ("probe/uci-wrong-apn/network", "modem/at/mu609-ipv6-refused-ceer.txt"),  # the same, pasted the other way
    ("modem/qmicli/mu609-ipv6-refused.txt", "probe/uci-wrong-apn/network"),  # an IPv6 call qmi.sh no longer makes
])
def test_refusal_of_what_the_interface_no_longer_asks_for_is_stale(relatives) -> None:  # type: ignore[no-untyped-def]
    assert _findings(reg004, *relatives) == []
