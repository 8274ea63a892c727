"""NET005 on real text. The dialing interface is a real /etc/config/network stanza
('umts', proto 3g on /dev/ttyUSB0, from a router's uci-defaults script); the modem side is
the case thread's MU609 listings or the lab's real-kernel capture of the same modem. The
point the tests make is the MU609's: ttyUSB0 is the modem port in configuration 2 but the
DIAG port after the switch to configuration 1."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net005_ppp_wrong_port import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _run(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "paste.txt"))))


STANZA = "root@OpenWrt:~# cat /etc/config/network\n" + _read("rules/net005/easybox904-network-umts-3g-ttyusb0.txt")
LAB = (
    "root@OpenWrt:~# cat /sys/kernel/debug/usb/devices\n" + _read("lab/mu609/config1/debugfs-usb-devices.txt")
    + "\nroot@OpenWrt:~# dmesg\n" + _read("lab/mu609/config1/dmesg.txt")
)


def test_ttyusb0_is_the_diag_port_after_the_switch_to_configuration_1() -> None:
    (finding,) = _run(read_example("we826-mu609") + "\n" + STANZA)
    assert finding.code == "NET005" and finding.severity is Severity.ERROR
    assert finding.title == "Interface 'umts' (proto 3g) dials on ttyUSB0, which is the DIAG port of the Huawei MU609 (12d1:1573)"
    device_line, listing_line = finding.evidence
    assert device_line.text.strip() == "option device '/dev/ttyUSB0'"
    # the third listing (configuration 1): if0 unbound, so the first option port is if1, Prot=03
    assert listing_line.line == 212 and "If#= 1" in listing_line.text and "Prot=03" in listing_line.text
    assert "counting the serial-driver interfaces" in finding.why
    assert "(ttyUSB1 is the AT port)" in finding.fix and "proto 'qmi'" in finding.fix


def test_ttyusb0_is_the_modem_port_in_configuration_2() -> None:
    before_switch = "\n".join(read_example("we826-mu609").splitlines()[:179])
    assert _run(before_switch + "\n" + STANZA) == []


def test_kernel_log_maps_the_tty() -> None:
    # lab capture, configuration 1: option on ff/01/01, ff/01/03, ff/01/02 -> ttyUSB0..2
    assert _run(LAB + "\n" + STANZA) == []  # ttyUSB0 is the modem port here
    (finding,) = _run(LAB + "\n" + STANZA.replace("'/dev/ttyUSB0'", "'/dev/ttyUSB1'"))
    assert "dials on ttyUSB1, which is the DIAG port" in finding.title
    assert "converter now attached to ttyUSB1" in finding.evidence[1].text
    assert "The kernel attached" not in finding.why and "the kernel attached ttyUSB1 to interface 1" in finding.why
    assert "ttyUSB0 is the modem port; ttyUSB2 is the AT port" in finding.fix


def test_chat_failure_alone_is_a_warning() -> None:
    (finding,) = _run(_read("rules/net005/github-t2cli-541-logread-chat-failed.txt"))
    assert finding.severity is Severity.WARNING and finding.title.startswith("The dial script failed")
    assert [e.line for e in finding.evidence] == [3, 5, 7]
    assert finding.evidence[-1].text.endswith("Connect script failed")


def test_chat_failure_lines_join_the_wrong_port_finding() -> None:
    text = read_example("we826-mu609") + "\n" + STANZA + "\n" + _read("rules/net005/github-t2cli-541-logread-chat-failed.txt")
    (finding,) = _run(text)
    assert finding.severity is Severity.ERROR
    assert finding.evidence[-1].text.endswith("Connect script failed")


def test_silent_without_a_listing_or_log_to_map_the_tty() -> None:
    assert _run(STANZA) == []
    # a successful chat run is no failure
    assert _run(_read("log/forum-30002-syslog-pppd-chat.txt")) == []
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_rule_metadata() -> None:
    assert RULE.code == "NET005" and RULE.name == "ppp-wrong-port"
