"""qmicli --get-expected-data-format is qmi_wwan's raw_ip flag read through libqmi (the
kernel side), not the modem's data format: real answers from a Raspberry Pi guide
(`802-3`) and an EM7455 session (`raw-ip` on two functions, named by --get-wwan-iface),
and the real qmicli 1.32 answering from the project's QMI simulator on a pty, where no
qmi_wwan flag exists (see tests/fixtures/modem/SOURCE.md)."""

from __future__ import annotations

import os

from modem_doctor.load import load_text
from modem_doctor.model.modem import raw_ip_flags
from modem_doctor.parse import parse

RAW_IP = os.path.join(os.path.dirname(__file__), "..", "fixtures", "modem", "raw_ip")


def _read(name: str) -> str:
    with open(os.path.join(RAW_IP, name), encoding="utf-8") as handle:
        return handle.read()


def test_802_3_answer_is_a_flag_reading_not_a_data_format() -> None:
    session = parse("qmicli", _read("mdot2usbc-notes-802-3-default.txt")).value
    assert session.data_formats == ()
    assert [(f.netdev, f.raw_ip, f.value, f.line) for f in session.raw_ip_flags] == [("", False, "802-3", 6)]


def test_raw_ip_answers_named_by_get_wwan_iface() -> None:
    parsed = parse("qmicli", _read("mdot2usbc-em7455-expected-raw-ip.txt"))
    flags = [(f.netdev, f.raw_ip, f.value, f.line) for f in parsed.value.raw_ip_flags]
    assert flags == [("wwan0", True, "raw-ip", 11), ("wwan1", True, "raw-ip", 13)]
    assert parsed.value.data_formats == ()
    assert not any(u.text in ("raw-ip", "wwan0", "wwan1") for u in parsed.unparsed)


def test_whole_paste_reads_both_answers_after_their_prompts() -> None:
    host = load_text(_read("mdot2usbc-em7455-expected-raw-ip.txt"), "notes.md")
    flags = [(f.netdev, f.raw_ip, f.value, f.line) for _a, f in raw_ip_flags(host)]
    # the cat readings keep their netdev; the qmicli answers come as their own blocks
    assert flags == [("wwan1", False, "N", 2), ("wwan1", True, "Y", 5), ("", True, "raw-ip", 11),
                     ("", True, "raw-ip", 13)]


def test_pty_without_qmi_wwan_is_an_unknown_flag() -> None:
    text = _read("qmicli-1.32-expected-data-format-pty.txt")
    session = parse("qmicli", text).value
    (flag,) = session.raw_ip_flags
    assert flag.raw_ip is None and flag.line == 4
    assert flag.value == "Setting expected data format management is unsupported by the driver"
    host = load_text(text, "sim.txt")
    assert [(f.raw_ip, f.line) for _a, f in raw_ip_flags(host)] == [(None, 4)]


def test_a_bare_word_after_another_command_is_not_a_reading() -> None:
    text = "root@OpenWrt:~# qmicli -d /dev/cdc-wdm0 --dms-get-model\nraw-ip\n"
    assert parse("qmicli", text).value.raw_ip_flags == ()
