"""NET002 on real text: the EC25-E forum thread where udhcpc discovers for ever on the QMI
netdev (warning), with the modem's raw-ip data format from qmicli (error); the MF286D log
where qmi.sh informed the driver of raw-ip, and a raw-ip modem without failures, stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net002_raw_ip_mismatch import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _findings(*relatives: str) -> List[Finding]:
    return list(check(build_context(load_text("\n".join(_text(r) for r in relatives), "input.txt"))))


def test_registered_with_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "NET002"]
    assert rule.name == "raw-ip-mismatch"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_dhcp_discover_for_ever_on_qmi_warns() -> None:
    (finding,) = _findings("pastes/forum-14926-ec25e.txt")
    assert finding.severity is Severity.WARNING
    assert finding.title == "DHCP gets no answer on the QMI netdev: 802.3 framing against a raw-IP modem"
    assert [e.line for e in finding.evidence] == [20, 25, 26]
    assert all(e.text.endswith("udhcpc: sending discover") for e in finding.evidence)
    assert "echo Y > /sys/class/net/wwan0/qmi/raw_ip" in finding.fix


def test_with_the_modem_saying_raw_ip_it_is_an_error() -> None:
    (finding,) = _findings("modem/qmicli/ec25-raw-ip-only.txt", "pastes/forum-14926-ec25e.txt")
    assert finding.severity is Severity.ERROR
    assert "Link layer protocol: 'raw-ip'" in finding.evidence[0].text


def test_uqmi_unable_to_read_the_format_is_cited() -> None:
    (finding,) = _findings("modem/uqmi/openwrt-9664-data-format-unknown.txt", "pastes/forum-14926-ec25e.txt")
    assert finding.evidence[0].text == '"unknown"'
    assert finding.severity is Severity.WARNING


def test_handled_or_healthy_stays_silent() -> None:
    assert _findings("pastes/forum-188967-mf286d.txt") == []  # 'Device does not support 802.3 mode. Informing dr'
    assert _findings("modem/qmicli/ec25-raw-ip-only.txt") == []  # raw-ip, nothing failing
    assert _findings("modem/logs/openwrt-18727-mf286c-timeout.txt") == []  # raw-ip set; the call itself times out
    assert _findings("log/github-lede-238-logread-uqmi.txt") == []
    assert _findings("modem/uqmi/openwrt-9664-data-format-unknown.txt") == []  # no failing data path shown


# The driver's raw_ip flag (parser kind qmi_raw_ip) against the modem's data format:
# the modem's side is real qmicli output against the simulated EC25 in raw-ip-only mode,
# the driver's side the real qmi_wwan in the QEMU lab (collector form) or a guide's
# `cat /sys/class/net/wwan0/qmi/raw_ip` answering N.

def test_modem_raw_ip_against_driver_n_is_an_error() -> None:
    (finding,) = _findings("modem/qmicli/ec25-raw-ip-only.txt", "lab/mu609/config1/raw_ip.txt")
    assert finding.severity is Severity.ERROR
    assert finding.title == "The modem frames raw-IP but qmi_wwan on wwan0 expects 802.3 (raw_ip=N)"
    texts = [e.text for e in finding.evidence]
    assert "Link layer protocol: 'raw-ip'" in texts[0]
    assert texts[1] == "/sys/class/net/wwan0/qmi/raw_ip=N"
    assert "echo Y > /sys/class/net/wwan0/qmi/raw_ip" in finding.fix


def test_driver_n_from_a_cat_of_the_file_is_cited() -> None:
    (finding,) = _findings("modem/qmicli/ec25-raw-ip-only.txt", "modem/raw_ip/mdot2usbc-notes-802-3-default.txt")
    assert finding.title.endswith("qmi_wwan on wwan0 expects 802.3 (raw_ip=N)")
    assert finding.evidence[-1].text == "N"


def test_qmicli_expected_data_format_is_the_drivers_side() -> None:
    # only the guide's qmicli part (lines 1-7): '802-3' from --get-expected-data-format is
    # qmi_wwan's flag read through libqmi, set against the modem's raw-ip
    guide = "\n".join(_text("modem/raw_ip/mdot2usbc-notes-802-3-default.txt").splitlines()[:7])
    host = load_text(_text("modem/qmicli/ec25-raw-ip-only.txt") + "\n" + guide, "input.txt")
    (finding,) = list(check(build_context(host)))
    assert finding.title == "The modem frames raw-IP but qmi_wwan on wwan0 expects 802.3 (raw_ip=N)"
    assert finding.evidence[-1].text == "802-3"
    # the driver's readings alone, without the modem's format: nothing to set them against
    assert _findings("modem/raw_ip/mdot2usbc-notes-802-3-default.txt") == []


def test_driver_flag_joins_the_dhcp_discovers() -> None:
    (finding,) = _findings("pastes/forum-14926-ec25e.txt", "lab/mu609/config1/raw_ip.txt")
    assert finding.severity is Severity.WARNING  # the modem's format is not shown
    assert finding.evidence[0].text == "/sys/class/net/wwan0/qmi/raw_ip=N"
    assert [e.line for e in finding.evidence[1:]] == [20, 25, 26]


def test_driver_flag_alone_is_silent() -> None:
    assert _findings("lab/mu609/config1/raw_ip.txt") == []
    assert _findings("modem/raw_ip/mdot2usbc-notes-802-3-default.txt") == []


def test_modem_raw_ip_and_a_missing_attribute() -> None:
    text = _text("lab/mu609/config1/raw_ip.txt").replace(
        "=N", "=cat: can't open '/sys/class/net/wwan0/qmi/raw_ip': No such file or directory")
    host = load_text(_text("modem/qmicli/ec25-raw-ip-only.txt") + "\n" + text, "input.txt")
    (finding,) = list(check(build_context(host)))
    assert finding.title == "The modem needs raw-IP but qmi_wwan here has no raw_ip attribute"
    assert finding.severity is Severity.ERROR


def test_discovers_with_the_driver_already_raw_ip_are_not_framing(tmp_path) -> None:
    # the probe's reader on a sysfs tree where qmi_wwan prints 'Y' (raw-IP already set)
    from modem_doctor.load import build_host
    from modem_doctor.extract import extract
    from modem_doctor.probe.run import extractions, raw_ip_local

    folder = tmp_path / "sys" / "class" / "net" / "wwan0" / "qmi"
    folder.mkdir(parents=True)
    (folder / "raw_ip").write_text("Y\n")
    paste = extract(_text("pastes/forum-14926-ec25e.txt"), "forum.txt")
    host = build_host([paste] + extractions(raw_ip_local(str(tmp_path))))
    assert list(check(build_context(host))) == []
    (folder / "raw_ip").write_text("N\n")
    host = build_host([paste] + extractions(raw_ip_local(str(tmp_path))))
    (finding,) = list(check(build_context(host)))
    assert finding.evidence[0].text == "/sys/class/net/wwan0/qmi/raw_ip=N"


def test_driver_n_read_before_qmi_sh_informed_the_driver_is_history() -> None:
    # MF286D forum log: 'Device does not support 802.3 mode. Informing dr[iver of raw-ip only]'
    before = ("modem/qmicli/ec25-raw-ip-only.txt", "lab/mu609/config1/raw_ip.txt", "pastes/forum-188967-mf286d.txt")
    assert _findings(*before) == []
    after = ("modem/qmicli/ec25-raw-ip-only.txt", "pastes/forum-188967-mf286d.txt", "lab/mu609/config1/raw_ip.txt")
    (finding,) = _findings(*after)
    assert finding.title.endswith("(raw_ip=N)")
