"""DRV004 on real text: serial ports with no serial driver at all fire (an error when the
package list lacks the kmod); one port left unbound while option binds its siblings (the
MU609's interface 0 in the case thread) is reported as information that says what the
listing proves and what it does not; fully bound listings stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.drv004_at_ports_without_serial_driver import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "DRV004"]
    assert rule.name == "at-ports-without-serial-driver"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_package_list_without_option_forum_75521() -> None:
    # OpenWrt 19.07 WE826 with an EC25: opkg list has only the USB host kmods; the paste is cut
    # inside 'Driver=(none)' of interface 0
    (finding,) = _findings("rules/drv004/forum-75521-we826-ec25-opkg-list.txt")
    assert finding.code == "DRV004" and finding.severity is Severity.ERROR
    assert "kmod-usb-serial-option is not installed" in finding.title
    assert [e.line for e in finding.evidence] == [42, 43, 26, 33]
    assert finding.evidence[1].text.endswith("Driver=(n")
    assert finding.evidence[2].text.startswith("kmod-usb-core")  # the list it rests on
    assert "1 of the configuration's 5 interfaces" in finding.why
    assert finding.fix == "Install kmod-usb-serial-option (opkg install kmod-usb-serial-option)."


def test_no_serial_driver_and_no_package_list_is_a_warning() -> None:
    (finding,) = _findings("corpus/usb-listings/2c7c_0195_linux-usb-20200707-quectel-eg95-lte.txt")
    assert finding.severity is Severity.WARNING
    assert "AT ports" in finding.title and "probably not installed" in finding.title
    assert "2 (AT), 3 (AT)" in finding.why and "predates this ID" in finding.why
    assert [e.line for e in finding.evidence] == [16, 17, 18, 19, 20]


def test_case_thread_interface_0_is_reported_with_what_the_listing_proves() -> None:
    (finding,) = list(check(build_context(load_example("we826-mu609"))))
    assert finding.severity is Severity.INFO  # the AT port (interface 2) and QMI are bound
    assert finding.title == (
        "Huawei MU609 (12d1:1573): interface 0 (modem (PPP) port, ff/01/01) of configuration 1 "
        "has no driver although option binds interfaces 1, 2, 3, 4")
    lines = [e.line for e in finding.evidence]
    assert lines == [207, 208, 212, 215, 218, 221, 48]  # the third listing: C:*, If#0, its siblings,
    # then interface 0 of the first listing (configuration 2), also without a driver
    assert "earlier listing shows the same in configuration 2" in finding.why
    assert finding.evidence[1].text.endswith("Driver=(none)")
    # what it proves, what it cannot, and the candidate the knowledge base supports
    assert "a missing or mismatched kmod is ruled out" in finding.why
    assert "cannot say why" in finding.why
    assert "usb-modeswitch-data has an entry for 12d1:1573" in finding.why
    assert "not needed for the recommended qmi set-up" in finding.why
    assert "echo 1-1.2:1.0 > /sys/bus/usb/drivers/option/bind" in finding.fix


def test_fully_bound_listings_stay_silent() -> None:
    # the QEMU lab: a real 6.1 kernel binds option to interface 0 after the same switch
    assert _findings("lab/mu609/config1/debugfs-usb-devices.txt") == []
    # the case's first listing (configuration 2): option on every serial port
    assert _findings("usb/we826-listing1-L4-78.txt") == []


def test_lone_unbound_at_port_is_a_warning_with_the_bind_command_first() -> None:
    # Sierra EM9191 posted to linux-usb: option binds interface 4, the AT port (ff/ff/40) has none
    (finding,) = _findings("corpus/usb-listings/1199_90d3_linux-usb-20231013-sierra-em9191-firmware.txt")
    assert finding.severity is Severity.WARNING  # no other AT port is bound
    assert "interface 3 (AT port, ff/ff/40)" in finding.title and "binds interface 4" in finding.title
    assert finding.fix.startswith("Bind it again: echo ")
    assert "/sys/bus/usb/drivers/option/bind" in finding.fix
