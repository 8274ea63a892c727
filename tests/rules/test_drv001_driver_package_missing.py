"""DRV001 on real listings: a data interface without its driver fires (hedged when no
package list is shown); listings where the driver binds, and the case thread, stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.drv001_driver_package_missing import LOADED, MISSING, STATED, driver_presence, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _host(relative: str):  # type: ignore[no-untyped-def]
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        return load_text(handle.read(), os.path.basename(path))


def _findings(relative: str) -> List[Finding]:
    return list(check(build_context(_host(relative))))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "DRV001"]
    assert rule.name == "driver-package-missing"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_qmi_interface_without_qmi_wwan_eg95() -> None:
    # linux-usb post of a Quectel EG95 before its ID reached the drivers: nothing bound
    (finding,) = _findings("corpus/usb-listings/2c7c_0195_linux-usb-20200707-quectel-eg95-lte.txt")
    assert finding.code == "DRV001" and finding.severity is Severity.WARNING  # no package list: hedged
    assert "QMI interface" in finding.title and "kmod-usb-net-qmi-wwan" in finding.title
    assert [e.line for e in finding.evidence] == [16, 21]
    assert "Driver=(none)" in finding.evidence[1].text
    assert "predates this modem's ID" in finding.why  # the other explanation is said
    assert "opkg install kmod-usb-net-qmi-wwan" in finding.fix
    assert "opkg list-installed | grep kmod-usb-net-qmi-wwan" in finding.fix


def test_rndis_function_both_interfaces_cited() -> None:
    (finding,) = _findings("corpus/usb-listings/1bc7_10a1_linux-usb-20251121-telit-fn920c04-rndis.txt")
    assert "RNDIS interface" in finding.title and "kmod-usb-net-rndis" in finding.title
    assert [e.line for e in finding.evidence] == [17, 19, 21]
    assert "interfaces 0, 1" in finding.why


def test_bound_data_interfaces_stay_silent() -> None:
    # the QEMU lab's MU609 with real 6.1 drivers: qmi_wwan in configuration 1, cdc_ether in 2
    assert _findings("lab/mu609/config1/debugfs-usb-devices.txt") == []
    assert _findings("lab/mu609/config2/debugfs-usb-devices.txt") == []


def test_case_thread_stays_silent() -> None:
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_driver_presence_reads_every_kind_of_sign() -> None:
    ctx = build_context(load_example("we826-mu609"))
    assert driver_presence(ctx, "option", "kmod-usb-serial-option")[0] == LOADED  # bound in the listings
    assert driver_presence(ctx, "cdc_ether", "kmod-usb-net-cdc-ether")[0] == LOADED  # 'registered new ...'
    presence, evidence = driver_presence(ctx, "huawei_cdc_ncm", "kmod-usb-net-cdc-ether")
    assert presence == STATED and evidence[0].line == 81  # 'kmod-usb-net-cdc-ether has already been installed.'
    listed = build_context(_host("rules/drv004/forum-75521-we826-ec25-opkg-list.txt"))
    assert driver_presence(listed, "qmi_wwan", "kmod-usb-net-qmi-wwan")[0] == MISSING
