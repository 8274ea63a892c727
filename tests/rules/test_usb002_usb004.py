"""USB002 (wrong USB configuration) and USB004 (netdev dropped) on real text: the case
thread, kernel logs and listings captured in the QEMU lab from the real 6.1 kernel, and
public logs (sources in the fixtures' SOURCE.md files)."""

from __future__ import annotations

from pathlib import Path
from typing import List

from modem_doctor.load import load_paths, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import usb002_wrong_usb_configuration as usb002
from modem_doctor.rules import usb004_netdev_dropped as usb004
from modem_doctor.rules.context import build_context

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
THREAD = FIXTURES / "pastes" / "we826-mu609.txt"
LAB = FIXTURES / "lab" / "mu609"
CORPUS = FIXTURES / "corpus" / "usb-listings"


def _run(rule, *paths: Path) -> List[Finding]:  # type: ignore[no-untyped-def]
    return list(rule.check(build_context(load_paths([str(p) for p in paths]))))


def test_usb002_fires_on_the_case_thread_citing_both_configurations() -> None:
    findings = _run(usb002, THREAD)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.ERROR  # configuration 1 was active, but the user says it reverts at reboot
    assert "it reverts at reboot" in finding.title
    assert "configuration 2" in finding.title and "QMI function is in configuration 1" in finding.title
    cited = {(e.line, e.text.split()[0]) for e in finding.evidence}
    assert (47, "C:*") in cited and (26, "C:") in cited and (43, "I:") in cited
    assert "Prot=07" in next(e.text for e in finding.evidence if e.line == 43)


def test_usb002_is_an_error_in_the_lab_capture_of_configuration_2() -> None:
    findings = _run(usb002, LAB / "config2" / "debugfs-usb-devices.txt")
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert findings[0].modem == "12d1:1573@1-1"


def test_usb002_stays_silent_on_single_configuration_modems() -> None:
    for name in ("1bc7_1070_linux-usb-20211210-telit-fn990.txt", "2c7c_0800_linux-usb-20231212-quectel-rm500q-r13.txt"):
        assert _run(usb002, CORPUS / name) == []


def test_usb004_fires_on_the_case_and_names_the_usbmode_suspect() -> None:
    findings = _run(usb004, THREAD)
    assert len(findings) == 1
    finding = findings[0]
    assert "eth1" in finding.title and "5.0 s later" in finding.title and "filtered with grep" in finding.title
    assert [e.line for e in finding.evidence][:2] == [88, 90]
    assert "interface 0" in finding.why and "usbmode" in finding.why


def test_usb004_tells_a_re_enumeration_by_its_disconnect() -> None:
    findings = _run(usb004, FIXTURES / "log" / "github-omr-3761-dmesg-qmi-rndis.txt")
    wwan = [f for f in findings if "wwan2" in f.title]
    assert wwan and "re-enumerated" in wwan[0].title
    assert any("USB disconnect" in e.text for e in wwan[0].evidence)


def test_usb004_is_silent_on_a_configuration_switch_and_before_it() -> None:
    # The lab's dmesg of 'echo 1 > bConfigurationValue': cdc_ether on 1-1:2.0 unregisters and
    # option/qmi_wwan bind interfaces 1-1:1.x; that is the switch, not a dropped netdev.
    log = (LAB / "config1" / "dmesg.txt").read_text()
    assert "1-1:2.0 usb1: unregister" in log and "qmi_wwan 1-1:1." in log
    assert _run(usb004, LAB / "config1" / "dmesg.txt") == []
    assert _run(usb004, LAB / "config2" / "dmesg.txt") == []
    assert _run(usb004, FIXTURES / "log" / "github-rpi-1880-dmesg-ec21.txt") == []


def test_nothing_fires_on_text_without_modems() -> None:
    ctx = build_context(load_text("just some words\nand more words\n", "prose"))
    assert list(usb002.check(ctx)) == [] and list(usb004.check(ctx)) == []
