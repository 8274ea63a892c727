"""NET002 on real text: the EC25-E forum thread where udhcpc discovers for ever on the QMI
netdev (warning), with the modem's raw-ip data format from qmicli (error); the MF286D log
where qmi.sh informed the driver of raw-ip, and a raw-ip modem without failures, stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net002_raw_ip_mismatch import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _findings(*relatives: str) -> List[Finding]:
    return list(check(build_context(load_text("\n".join(_text(r) for r in relatives), "input.txt"))))


def test_registered_with_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "NET002"]
    assert rule.name == "raw-ip-mismatch"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_dhcp_discover_for_ever_on_qmi_warns() -> None:
    (finding,) = _findings("pastes/forum-14926-ec25e.txt")
    assert finding.severity is Severity.WARNING
    assert finding.title == "DHCP gets no answer on the QMI netdev: 802.3 framing against a raw-IP modem"
    assert [e.line for e in finding.evidence] == [20, 25, 26]
    assert all(e.text.endswith("udhcpc: sending discover") for e in finding.evidence)
    assert "echo Y > /sys/class/net/wwan0/qmi/raw_ip" in finding.fix


def test_with_the_modem_saying_raw_ip_it_is_an_error() -> None:
    (finding,) = _findings("modem/qmicli/ec25-raw-ip-only.txt", "pastes/forum-14926-ec25e.txt")
    assert finding.severity is Severity.ERROR
    assert "Link layer protocol: 'raw-ip'" in finding.evidence[0].text


def test_uqmi_unable_to_read_the_format_is_cited() -> None:
    (finding,) = _findings("modem/uqmi/openwrt-9664-data-format-unknown.txt", "pastes/forum-14926-ec25e.txt")
    assert finding.evidence[0].text == '"unknown"'
    assert finding.severity is Severity.WARNING


def test_handled_or_healthy_stays_silent() -> None:
    assert _findings("pastes/forum-188967-mf286d.txt") == []  # 'Device does not support 802.3 mode. Informing dr'
    assert _findings("modem/qmicli/ec25-raw-ip-only.txt") == []  # raw-ip, nothing failing
    assert _findings("modem/logs/openwrt-18727-mf286c-timeout.txt") == []  # raw-ip set; the call itself times out
    assert _findings("log/github-lede-238-logread-uqmi.txt") == []
    assert _findings("modem/uqmi/openwrt-9664-data-format-unknown.txt") == []  # no failing data path shown
