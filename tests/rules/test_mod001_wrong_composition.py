"""MOD001 on real listings: a modem whose vendor USB mode gives RNDIS/ECM (or MBIM)
while the catalog's mode command offers a better path fires; the same EC25 once it is in
QMI mode, and the case thread (a USB-configuration switch, not a vendor mode), stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.mod001_wrong_composition import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
LISTINGS = "corpus/usb-listings/"


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "MOD001"]
    assert rule.name == "wrong-composition"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_quectel_ec25_in_ecm_mode() -> None:
    (finding,) = _findings(LISTINGS + "2c7c_0125_linux-usb-20200829-dynamic-quectel.txt")
    assert finding.code == "MOD001" and finding.severity is Severity.WARNING
    assert finding.title == ("Quectel EC25 (2c7c:0125) is in its ECM composition (cdc_ether expected, not bound); "
                             "quectel-usbnet can switch it to QMI")
    assert [e.line for e in finding.evidence] == [16, 33, 35, 36]  # C:*, the CDC control and data interfaces
    assert "Cls=02(comm.) Sub=06" in finding.evidence[1].text
    assert 'AT+QCFG="usbnet",0; AT+CFUN=1,1' in finding.fix and "proto 'qmi'" in finding.fix
    assert "proto dhcp" in finding.fix  # keeping the mode is the other way


def test_fibocom_fm350_in_rndis_mode() -> None:
    (finding,) = _findings(LISTINGS + "0e8d_7127_linux-usb-20240626-fibocom-fm350-gl.txt")
    assert "RNDIS composition (rndis_host)" in finding.title and "to MBIM" in finding.title
    assert "AT+GTUSBMODE=29" in finding.fix and "proto 'mbim'" in finding.fix


def test_mbim_mode_is_information_only() -> None:
    (finding,) = _findings(LISTINGS + "2c7c_030a_linux-usb-20220621-quectel-em05-g-2.txt")
    assert finding.severity is Severity.INFO
    assert "MBIM composition (cdc_mbim)" in finding.title
    assert "MBIM works too (proto 'mbim')" in finding.why


def test_same_ec25_in_qmi_mode_stays_silent() -> None:
    assert _findings(LISTINGS + "2c7c_0125_linux-usb-20200829-dynamic-quectel-2.txt") == []
    assert _findings(LISTINGS + "2c7c_0801_linux-usb-20220905-quectel-rm520n.txt") == []


def test_case_thread_stays_silent() -> None:
    assert list(check(build_context(load_example("we826-mu609")))) == []
