"""qmi_wwan's raw_ip flag read from real text: the QEMU lab's capture of the real qmi_wwan
(the collector's 'path=value' form), a real collector bundle of the same lab state, a
Raspberry Pi guide's `cat .../wwan0/qmi/raw_ip` answering N, and the probe's own reader
on a sysfs tree (see tests/fixtures/modem/SOURCE.md)."""

from __future__ import annotations

import os

import pytest

from modem_doctor.collect.bundle import extractions as bundle_extractions
from modem_doctor.collect.bundle import read_bundle
from modem_doctor.collect.specs import BY_ID
from modem_doctor.errors import InputError
from modem_doctor.extract.commands import kind_for_command
from modem_doctor.load import build_host, load_paths, load_text
from modem_doctor.model.common import Line
from modem_doctor.model.modem import RawIpState, raw_ip_flags
from modem_doctor.parse import PARSERS, parse, parse_lines
from modem_doctor.probe.run import extractions as probe_extractions
from modem_doctor.probe.run import raw_ip_local

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
LAB = os.path.join(FIXTURES, "lab", "mu609", "config1", "raw_ip.txt")
GUIDE = os.path.join(FIXTURES, "modem", "raw_ip", "mdot2usbc-notes-802-3-default.txt")
BUNDLE = os.path.join(FIXTURES, "collect", "lab-mu609-config1-nodebugfs.tar.gz")


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _flags(host):
    return [(flag.netdev, flag.raw_ip, flag.value, flag.line) for _artifact, flag in raw_ip_flags(host)]


def test_registered_and_mapped() -> None:
    assert PARSERS["qmi_raw_ip"] == "qmi_raw_ip"
    assert BY_ID["raw_ip"].kind == "qmi_raw_ip"
    assert kind_for_command("cat /sys/class/net/wwan0/qmi/raw_ip") == "qmi_raw_ip"
    assert kind_for_command("grep . /sys/class/net/*/qmi/raw_ip") == "qmi_raw_ip"
    assert kind_for_command("cat /sys/class/net/wwan0/operstate") is None


def test_collector_form_from_the_lab() -> None:
    parsed = parse("qmi_raw_ip", _read(LAB))
    assert isinstance(parsed.value, RawIpState)
    assert [(f.netdev, f.raw_ip, f.value, f.line) for f in parsed.value.flags] == [("wwan0", False, "N", 1)]
    assert parsed.unparsed == ()


def test_lab_file_found_by_content_and_a_real_bundle() -> None:
    assert _flags(load_paths([LAB])) == [("wwan0", False, "N", 1)]
    host = build_host(bundle_extractions(read_bundle(BUNDLE)))
    assert _flags(host) == [("wwan0", False, "N", 1)]


def test_bare_value_takes_the_netdev_from_the_command() -> None:
    host = load_text(_read(GUIDE), "guide.md")
    # line 6 is qmicli --get-expected-data-format's '802-3': the same flag read through libqmi,
    # which does not say the netdev
    assert _flags(host) == [("", False, "802-3", 6), ("wwan0", False, "N", 11)]
    # the same line without its command: a value, no netdev
    parsed = parse_lines("qmi_raw_ip", (Line(11, "N"),))
    assert [(f.netdev, f.raw_ip) for f in parsed.value.flags] == [("", False)]


def test_other_lines_of_the_guide_are_not_readings() -> None:
    parsed = parse("qmi_raw_ip", _read(GUIDE))
    assert [(f.netdev, f.value, f.line) for f in parsed.value.flags] == [("wwan0", "N", 11)]
    assert any(u.text == "802-3" for u in parsed.unparsed)  # qmicli's answer: the qmicli parser reads it


def test_probe_reader_on_a_sysfs_tree(tmp_path) -> None:
    # the probe reads the flag files itself; a kernel prints a bool attribute as 'Y\n'/'N\n'
    for netdev, value in (("wwan0", "Y\n"), ("wwan1", "N\n")):
        folder = tmp_path / "sys" / "class" / "net" / netdev / "qmi"
        folder.mkdir(parents=True)
        (folder / "raw_ip").write_text(value)
    (tmp_path / "sys" / "class" / "net" / "eth0").mkdir(parents=True)
    result = raw_ip_local(str(tmp_path))
    host = build_host(probe_extractions(result))
    assert _flags(host) == [("wwan0", True, "Y", 1), ("wwan1", False, "N", 2)]


def test_missing_attribute_from_the_collector() -> None:
    # md_raw_ip writes 'path=<what cat printed>'; BusyBox cat's error for a vanished file
    text = _read(LAB).replace("=N", "=cat: can't open '/sys/class/net/wwan0/qmi/raw_ip': No such file or directory")
    parsed = parse("qmi_raw_ip", text)
    assert [(f.netdev, f.raw_ip, f.value) for f in parsed.value.flags] == [("wwan0", None, "missing")]


def test_refuses_what_is_not_text() -> None:
    with pytest.raises(InputError):
        parse("qmi_raw_ip", b"N")  # type: ignore[arg-type]
