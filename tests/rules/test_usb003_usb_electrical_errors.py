"""USB003 on real kernel logs: electrical/enumeration failures fire, clean logs and a
mode-switch re-enumeration stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.usb003_usb_electrical_errors import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_error_71_and_unable_to_enumerate() -> None:
    (finding,) = _findings("log/github-aioc-122-dmesg-error-71.txt")
    assert finding.code == "USB003" and finding.severity is Severity.ERROR
    assert "USB port 2-3" in finding.title and "-71" in finding.title and "gave up" in finding.title
    lines = [e.line for e in finding.evidence]
    assert 15 in lines  # 'unable to enumerate USB device'
    assert 2 in lines and 17 in lines  # first and last error -71
    assert all("error -71" in e.text or "unable to enumerate" in e.text for e in finding.evidence)
    assert "EPROTO" in finding.why and "powered USB hub" in finding.fix


def test_error_110_behind_a_hub() -> None:
    (finding,) = _findings("log/github-hmdiag-142-dmesg-error-110.txt")
    assert "1-1.3.1" in finding.title and "-110" in finding.title
    assert "ETIMEDOUT" in finding.why
    assert finding.evidence[-1].text.endswith("unable to enumerate USB device")


def test_over_current_on_hub_ports() -> None:
    (finding,) = _findings("log/github-re4son-6-dmesg-over-current.txt")
    assert finding.severity is Severity.ERROR
    assert finding.title.startswith("over-current reported 15 times")
    assert all("over-current change" in e.text for e in finding.evidence)


def test_openwrt_cant_set_config_71_forum_71020() -> None:
    (finding,) = _findings("rules/usb003/forum-71020-mf730m-cant-set-config.txt")
    assert "1-1.1" in finding.title
    assert [e.line for e in finding.evidence] == [6, 7]
    assert "can't set config #1, error -71" in finding.evidence[1].text


def test_stall_only_is_a_warning_that_names_firmware() -> None:
    (finding,) = _findings("log/github-quecpython-4-dmesg-cant-set-config-32.txt")
    assert finding.severity is Severity.WARNING
    assert "stalls" in finding.title
    # the descriptor complaints above the stall are cited with it
    assert [e.line for e in finding.evidence] == [2, 3, 8]


def test_error_printed_without_minus_t77w968() -> None:
    # bundled example: a Foxconn T77W968 on an emulated EHCI port, 'error 18' then 'unable to enumerate'
    (finding,) = list(check(build_context(load_example("t77w968-enum"))))
    assert finding.title.startswith("USB port 2-1: 4 USB errors (18), the kernel gave up enumerating it")
    assert [e.line for e in finding.evidence] == [14, 16, 20, 22, 34]


def test_reset_loop_without_error_lines_usb730l() -> None:
    # bundled example: a Novatel USB730L disconnecting every ten seconds, cdc_ether up and down
    (finding,) = list(check(build_context(load_example("usb730l-loop"))))
    assert finding.title == "USB port 1-1: it re-enumerated 4 times - the modem keeps resetting (power or firmware)"
    assert [e.line for e in finding.evidence] == [21, 23, 29]
    assert "watchdog" in finding.why and "previous one" in finding.fix


def test_silent_on_a_mode_switch_re_enumeration() -> None:
    # E5576 storage -> modem switching: three enumerations on 1-1, no error lines
    assert _findings("log/github-packages-15893-logread-kernel.txt") == []


def test_silent_on_clean_enumeration_logs() -> None:
    assert _findings("log/github-rpi-1880-dmesg-ec21.txt") == []
    assert _findings("log/case-we826-dmesg-grep.txt") == []
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_rule_metadata() -> None:
    assert RULE.code == "USB003" and RULE.name == "usb-electrical-errors"
