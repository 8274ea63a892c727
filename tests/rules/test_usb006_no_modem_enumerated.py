"""USB006 on a real forum post (a mini-PCIe EC25-AF that a board image for another router
never powers: the listing has only root hubs) and on texts where a modem is on the bus or
nobody talks about a modem."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from modem_doctor.load import example_names, load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.usb006_no_modem_enumerated import RULE, check

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
EC25 = FIXTURES / "usb006" / "forum-60530-ec25-af-not-enumerated.txt"
WE826 = FIXTURES / "drv004" / "forum-75521-we826-ec25-opkg-list.txt"


def _run(text: str, source: str = "post.txt") -> List[Finding]:
    return list(check(build_context(load_text(text, source))))


def test_fires_on_the_ec25_af_post_with_the_root_hubs_and_the_named_module() -> None:
    (finding,) = _run(EC25.read_text())
    assert finding.code == "USB006" == RULE.code and finding.severity is Severity.ERROR
    assert finding.title == "The Quectel EC25-AF is not on the USB bus: the USB listing shows only root hubs"
    by_line = {e.line: e.text for e in finding.evidence}
    # both root hubs' T: lines, and the user's sentence naming the module
    assert by_line[19].startswith("T:  Bus=01 Lev=00") and by_line[30].startswith("T:  Bus=02 Lev=00")
    assert "It's a PCIe EC25-AF module" in by_line[13]
    assert len(finding.evidence) == 3
    # a mini-PCIe module: the internal-module case (power GPIO, board image, slot wiring)
    assert "image made for this exact board" in finding.fix and "/sys/kernel/debug/gpio" in finding.fix
    assert "without USB lines" in finding.fix
    assert "lspci" not in finding.fix and "PCIE0" not in finding.why


def test_pcie_no_card_line_is_called_irrelevant() -> None:
    # The WE826 post's boot log line, from another MT7620 board, added to the EC25-AF post.
    no_card = next(line for line in WE826.read_text().splitlines() if "PCIE0 no card" in line)
    text = EC25.read_text() + "\ndmesg:\n" + no_card + "\n"
    (finding,) = _run(text)
    assert no_card.strip() in finding.why and "irrelevant" in finding.why
    assert finding.evidence[-1].text.strip() == no_card.strip()


def test_silent_when_nobody_talks_about_a_modem() -> None:
    # The same listing without the sentence that names the module: root hubs alone are no fault.
    text = "\n".join(line for line in EC25.read_text().splitlines() if "EC25" not in line)
    assert _run(text) == []


def test_silent_when_the_modem_is_on_the_bus_despite_pcie0_no_card() -> None:
    # failure-patterns.md section 2: 'PCIE0 no card' says nothing about a mini-PCIe modem,
    # which is a USB device; here the EC25-AF is in the listing.
    text = WE826.read_text()
    assert "PCIE0 no card" in text and "EC25" in text
    assert _run(text) == []


@pytest.mark.parametrize("name", example_names())
def test_silent_on_every_bundled_example(name: str) -> None:
    # Each example either lists its modem or shows no USB listing at all.
    assert list(check(build_context(load_example(name)))) == []


L860 = FIXTURES / "usb006" / "github-openwrt-15256-l860-not-in-lsusb.txt"
QMI_UCI = FIXTURES.parent / "uci" / "network_qmi_aligned_luci840.conf"


def _listing_only() -> str:
    # the EC25-AF post's debugfs listing (lines 19-39), without the sentence naming the module
    return "\n".join(EC25.read_text().splitlines()[18:39]) + "\n"


def test_an_m2_module_that_runs_over_pcie_gets_the_pcie_fix() -> None:
    (finding,) = _run(_listing_only() + "\n" + L860.read_text())
    assert finding.title == "The Fibocom L860-GL is not on the USB bus: the USB listing shows only root hubs"
    assert finding.evidence[-1].text.startswith("The Fibocom L860-GL-16 modem is not detected")
    assert "can run over PCIe" in finding.why and "lspci" in finding.fix
    # an Intel module: no MHI or t7xx package helps, the way out is USB mode
    assert "iosm" in finding.fix and "kmod-mhi" not in finding.fix
    assert "switched to USB" in finding.fix


def test_a_cellular_uci_interface_is_reason_enough() -> None:
    (finding,) = _run(_listing_only() + "\n" + QMI_UCI.read_text())
    assert finding.title == "The modem is not on the USB bus: the USB listing shows only root hubs"
    assert "interface 'wwanx' (proto qmi)" in finding.why
    assert finding.evidence[-1].text.strip() == "option proto    'qmi'"
    # nothing says the modem is internal: the plug-in (external) fix
    assert "powered USB hub" in finding.fix and "lspci" not in finding.fix

