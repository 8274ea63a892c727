"""DRV003 on real listings: vendor ports of an ID that no serial driver table knows
fire; the case thread (12d1:1573 is in option's table), listings where the running
kernel binds option, and IDs 6.1 knows stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.drv003_id_unknown_to_driver import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "DRV003"]
    assert rule.name == "id-unknown-to-driver"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_hucom_ports_unknown_while_qmi_wwan_binds() -> None:
    # linux-usb post asking for 22de:9051 in option: qmi_wwan bound, the two serial ports not
    (finding,) = _findings("corpus/usb-listings/22de_9051_linux-usb-20220113-hucom-wireless-hm.txt")
    assert finding.code == "DRV003" and finding.severity is Severity.ERROR
    assert "22de:9051" in finding.title and "ports 0, 1" in finding.title
    assert [e.line for e in finding.evidence] == [17, 18, 21]
    assert all("Driver=(none)" in e.text for e in finding.evidence[1:])
    assert "qmi_wwan" in finding.why
    assert "echo '22de 9051 ff' > /sys/bus/usb-serial/drivers/option1/new_id" in finding.fix


def test_case_thread_stays_silent() -> None:
    # the MU609's interface 0 is unbound, but option's table has 12d1:1573 (its siblings are bound)
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_known_ids_stay_silent() -> None:
    # option binds the AT ports: the running kernel knows the ID; ff/ff/80 is reserved on purpose
    assert _findings("corpus/usb-listings/1bc7_10d0_linux-usb-20250205-telit-cinterion-fn990b.txt") == []
    # nothing bound, but Linux 6.1's option and qmi_wwan know 2c7c:0195 (DRV001/DRV004 instead)
    assert _findings("corpus/usb-listings/2c7c_0195_linux-usb-20200707-quectel-eg95-lte.txt") == []
    # 6.1's option matches two of the SLM828's ports: not an unknown ID
    assert _findings("corpus/usb-listings/2dee_4d22_linux-usb-20250124-meig-smart-slm828.txt") == []
