"""MOD002 on real text: a HiLink stick (12d1:14dc) with the address it handed out, and
the QEMU lab's stick after its switch, fire; the case thread and modems whose Ethernet
function belongs to a stick-mode modem stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.mod002_router_mode_device import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "MOD002"]
    assert rule.name == "router-mode-device"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_hilink_stick_with_the_address_it_handed_out() -> None:
    (finding,) = _findings("rules/mod002/ubuntuforums-hilink-14dc-ifconfig.txt")
    assert finding.code == "MOD002" and finding.severity is Severity.INFO  # no modem protocol configured
    assert "12d1:14dc" in finding.title and "use DHCP" in finding.title
    assert [e.line for e in finding.evidence] == [31, 46]
    assert "12d1:14dc" in finding.evidence[0].text and "192.168.1.100" in finding.evidence[1].text
    assert "eth1 has 192.168.1.100" in finding.why and "likely its network device" in finding.why
    assert "http://192.168.1.1" in finding.fix  # the stick's own subnet, not the vendor default
    assert "proto 'dhcp'" in finding.fix


def test_lab_stick_after_its_switch_cites_the_cdc_ether_function() -> None:
    (finding,) = _findings("lab/storage-stick/modem/debugfs-usb-devices.txt")
    texts = [e.text for e in finding.evidence]
    assert any("Driver=cdc_ether" in text for text in texts)
    assert "192.168.8.x" in finding.why and "http://192.168.8.1" in finding.fix


def test_stick_mode_modems_and_the_case_stay_silent() -> None:
    # the MU609 in its ECM configuration: a modem with AT ports, not a router
    assert _findings("lab/mu609/config2/debugfs-usb-devices.txt") == []
    assert _findings("corpus/usb-listings/12d1_14ac_linux-usb-20200411-huawei-e1820.txt") == []
    assert list(check(build_context(load_example("we826-mu609")))) == []
