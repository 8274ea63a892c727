"""USB001 on real text: storage-mode IDs in listings and CD-ROM-only devices in kernel
logs fire; a switch that completed, a modem with a CD-ROM beside its ports and the case
thread stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.usb001_modem_in_storage_mode import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "USB001"]
    assert rule.name == RULE.name == "modem-in-storage-mode"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_lsusb_after_installing_usb_modeswitch_forum_26730() -> None:
    # OpenWrt 15.05.1, 05c6:f000 still listed after 'opkg install ... usb-modeswitch'
    (finding,) = _findings("pastes/forum-26730-mdm9200.txt")
    assert finding.code == "USB001" and finding.severity is Severity.ERROR
    assert "05c6:f000" in finding.title and "05c6:6000" in finding.title
    assert [e.line for e in finding.evidence] == [33, 15]  # the later lsusb, then the install command
    assert finding.evidence[1].text.startswith("opkg install")
    assert finding.fix.startswith("usb-modeswitch is installed but the modem was not switched")
    assert "usbmode -s -v" in finding.fix


def test_lab_debugfs_of_a_stick_in_cdrom_mode_cites_the_storage_interface() -> None:
    (finding,) = _findings("lab/storage-stick/cdrom/debugfs-usb-devices.txt")
    assert "12d1:1f01" in finding.title and "12d1:14dc" in finding.title
    assert [e.line for e in finding.evidence] == [18, 19]
    assert "Cls=08(stor.)" in finding.evidence[1].text
    assert finding.fix.startswith("Install usb-modeswitch") and "has an entry for 12d1:1f01" in finding.fix


def test_logread_of_an_e8372_that_stays_a_cdrom() -> None:
    (finding,) = _findings("log/github-omr-1686-logread-e8372.txt")
    assert finding.modem is None and "USB 2-1" in finding.title
    assert [e.line for e in finding.evidence] == [4, 6]
    assert "USB Mass Storage device detected" in finding.evidence[0].text
    assert "CD-ROM" in finding.evidence[1].text and "HUAWEI" in finding.evidence[1].text
    assert "lsusb" in finding.fix  # the log does not name the ID


def test_lab_dmesg_names_the_id_from_the_new_device_line() -> None:
    (finding,) = _findings("lab/storage-stick/cdrom/dmesg.txt")
    assert "(12d1:1f01)" in finding.title
    assert "has an entry for 12d1:1f01" in finding.fix
    assert "install kmod-usb-net-cdc-ether for the mode it switches to" in finding.fix  # 12d1:14dc is ECM


def test_switch_that_completed_stays_silent() -> None:
    # the same lab stick after usb_modeswitch: storage, disconnect, then 12d1:14dc with cdc_ether
    assert _findings("lab/storage-stick/modem/dmesg.txt") == []
    # E5576: storage, unplugged, storage again, then a quick disconnect and a new device
    assert _findings("log/github-packages-15893-logread-kernel.txt") == []
    # 05c6:f000 switched (USB disconnect right after the CD-ROM)
    assert _findings("log/github-qualcommlte-1-dmesg-quoted.txt") == []


def test_cdrom_beside_modem_ports_stays_silent() -> None:
    # Huawei E398: option ttys plus a CD-ROM on interface 3
    assert _findings("log/github-solus-100-dmesg-huawei-e398.txt") == []
    # E1820 in modem mode with a storage interface among its functions
    assert _findings("corpus/usb-listings/12d1_14ac_linux-usb-20200411-huawei-e1820.txt") == []


def test_case_thread_stays_silent() -> None:
    assert list(check(build_context(load_example("we826-mu609")))) == []
