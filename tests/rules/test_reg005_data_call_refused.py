"""REG005 on real text: LEDE issue 238 (the uqmi-no-connect example: qmi.sh's 'Unable to
connect IPv4', then a manual --start-network answering "No effect"), its logread alone,
and texts where something else explains the failed call (openwrt#18727's control-channel
timeout, the simulators' refused APN and IP type, a SIM that is absent) stay silent."""

from __future__ import annotations

import os
from typing import List

import pytest

from modem_doctor.load import load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.reg005_data_call_refused import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _findings(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "input.txt"))))


def test_registered_with_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "REG005"]
    assert rule.name == "data-call-refused"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_no_effect_to_start_network_names_the_call_already_up() -> None:
    (finding,) = _findings(read_example("uqmi-no-connect"))
    assert finding.severity is Severity.ERROR
    assert finding.title == ('The data call does not start: --start-network answers "No effect" '
                             "(the modem already holds a call)")
    assert [(e.line, e.text.rsplit("): ", 1)[-1]) for e in finding.evidence] == [
        (13, "Unable to connect IPv4"), (14, "Unable to connect"), (24, '"No effect"')]
    assert "uqmi -d /dev/cdc-wdm0 --stop-network 0xffffffff --autoconnect" in finding.fix


def test_the_same_from_the_fixtures_of_the_issue() -> None:
    (finding,) = _findings(_text("log/github-lede-238-logread-uqmi.txt") + "\n" + _text("modem/uqmi/lede-238-no-effect.txt"))
    assert "No effect" in finding.title


def test_unable_to_connect_without_a_cause_warns() -> None:
    (finding,) = _findings(_text("log/github-lede-238-logread-uqmi.txt"))
    assert finding.severity is Severity.WARNING
    assert finding.title == "The data call is refused and no cause is shown (Unable to connect IPv4)"
    assert "--wds-start-network=apn=APN,ip-type=4" in finding.fix


@pytest.mark.parametrize("relatives", [
    ("modem/logs/openwrt-18727-mf286c-timeout.txt",),  # 'Request timed out' first: CTL001
    ("log/github-lede-238-logread-uqmi.txt", "modem/qmicli/mu609-wrong-apn.txt"),  # the cause is shown: REG003
    ("log/github-lede-238-logread-uqmi.txt", "modem/qmicli/mu609-ipv6-refused.txt"),  # REG004
    ("log/github-lede-238-logread-uqmi.txt", "modem/at/mu609-sim-absent.txt"),  # SIM001
    ("modem/uqmi/lede-238-no-effect.txt",),  # "No effect" by hand, the interface not failing
    ("modem/qmicli/mu609-ready.txt",),
])
def test_explained_elsewhere_or_not_failing_stays_silent(relatives) -> None:  # type: ignore[no-untyped-def]
    assert _findings("\n".join(_text(r) for r in relatives)) == []
