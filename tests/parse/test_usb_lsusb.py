"""lsusb and lsusb -t on real outputs (tests/fixtures/usb/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.model.common import Line, number_lines
from modem_doctor.model.usb import DriverState, ListingFormat
from modem_doctor.parse import lsusb, lsusb_tree
from modem_doctor.parse._usb_common import detect_usb_format, looks_like_usb_line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "usb"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_lsusb_with_prompt_lines() -> None:
    text = _text("lsusb-ec25-rpi-github-344.txt")
    assert detect_usb_format(text) == "lsusb"
    parsed = lsusb.parse(text)
    devices = parsed.value.devices
    assert [(d.bus, d.devnum, d.vid_pid) for d in devices] == [
        (2, 1, "1d6b:0003"), (1, 3, "2c7c:0125"), (1, 2, "2109:3431"), (1, 1, "1d6b:0002"),
    ]
    modem = devices[1]
    assert modem.ids_name == "Quectel Wireless Solutions Co., Ltd. EC25 LTE modem"
    assert modem.listing_format is ListingFormat.LSUSB and modem.configs == ()
    assert (modem.first_line, modem.path, modem.path_exact) == (3, "", False)
    assert [d.path for d in devices if d.devnum == 1] == ["usb2", "usb1"]
    assert [(u.line, u.text) for u in parsed.unparsed] == [(1, "pi@lte:~ $ lsusb"), (7, "pi@lte:~ $ ls /dev/tty*")]


def test_lsusb_quoted_first_line_and_trailing_junk() -> None:
    parsed = lsusb.parse(_text("lsusb-ec25-armbian-9456.txt"))
    devices = parsed.value.devices
    assert len(devices) == 12
    assert devices[0].vid_pid == "05e3:0612" and devices[0].first_line == 3  # '> Bus 008 ...'
    assert [d.vid_pid for d in devices if d.vid_pid.startswith("2c7c")] == ["2c7c:0125"]
    assert devices[9].ids_name == "Exar Corp."
    assert [u.line for u in parsed.unparsed] == [1, 15, 16]


def test_lsusb_parse_lines_keeps_numbers() -> None:
    lines = number_lines(_text("lsusb-ec25-rpi-github-344.txt"), first=120)
    parsed = lsusb.parse_lines(lines[1:5])
    assert (parsed.first_line, parsed.last_line) == (121, 124)
    assert [d.first_line for d in parsed.value.devices] == [121, 122, 123, 124]
    assert parsed.unparsed == ()


def test_tree_wrapped_by_mail_client() -> None:
    text = _text("lsusb-t-rm520n-linux-usb-20250808.txt")
    assert detect_usb_format(text) == "lsusb_tree"
    parsed = lsusb_tree.parse(text)
    devices = parsed.value.devices
    assert [(d.path, d.devnum, d.speed) for d in devices] == [
        ("usb5", 1, "5000"), ("5-1", 2, "5000"), ("usb4", 1, "480"), ("usb3", 1, "5000"),
        ("3-1", 2, "5000"), ("usb2", 1, "480"), ("usb1", 1, "480"),
    ]
    modem = devices[1]
    (config,) = modem.configs
    assert config.active and config.number == 0  # the tree does not show bConfigurationValue
    assert [(i.number, i.cls, i.driver) for i in config.interfaces] == [
        (0, 0xFF, "option"), (1, 0xFF, "option"), (2, 0xFF, "option"), (3, 0xFF, "option"), (4, 0xFF, "qmi_wwan"),
    ]
    assert all(i.triple == "ff/??/??" for i in config.interfaces)
    # each interface line plus its wrapped 'Driver=option, 5000M' tail
    assert [i.line for i in config.interfaces] == [6, 8, 10, 12, 14]
    assert modem.last_line == 14
    ncm = devices[4].configs[0].interfaces
    assert [(i.cls, i.driver) for i in ncm] == [(0x02, "cdc_ncm"), (0x0A, "cdc_ncm")]
    assert devices[0].max_children == 1 and devices[2].max_children == 2
    assert [u.line for u in parsed.unparsed] == [1, 2, 4, 22, 24]


def test_tree_with_hubs_and_two_runs() -> None:
    parsed = lsusb_tree.parse(_text("lsusb-t-em7455-rpi4-pilot.md"))
    devices = parsed.value.devices
    first_run = devices[:8]
    assert [d.path for d in first_run] == ["usb3", "usb2", "usb1", "1-1", "1-1.2", "1-1.3", "1-1.4", "1-1.4.4"]
    modem = first_run[5]
    assert (modem.devnum, modem.level, modem.parent_devnum, modem.port) == (9, 2, 2, 2)
    assert [(i.number, i.triple, i.driver) for i in modem.configs[0].interfaces] == [
        (0, "ff/??/??", "qcserial"), (2, "ff/??/??", "qcserial"), (3, "ff/??/??", "qcserial"),
        (12, "02/??/??", "cdc_mbim"), (13, "0a/??/??", "cdc_mbim"),
    ]
    assert modem.configs[0].num_interfaces == 5
    hub = first_run[3]
    assert hub.is_hub and hub.max_children == 4 and hub.configs[0].interfaces[0].driver == "hub"
    assert first_run[4].speed == "1.5"
    # the second run (modem moved to the USB 3 port) is read as its own tree
    second = devices[8:]
    assert [d.path for d in second] == ["usb3", "usb2", "2-1", "usb1", "1-1", "1-1.2", "1-1.4", "1-1.4.4"]
    assert second[2].devnum == 3 and len(second[2].configs[0].interfaces) == 5
    assert len(second[-1].configs[0].interfaces) == 2
    assert all(not looks_like_usb_line(u.text) for u in parsed.unparsed)
    assert len(parsed.unparsed) == 17


def test_tree_verbose_new_format_and_unbound() -> None:
    parsed = lsusb_tree.parse(_text("lsusb-tv-gentoo-wiki.txt"))
    devices = parsed.value.devices
    assert [(d.path, d.vid_pid) for d in devices] == [
        ("usb1", "1d6b:0002"), ("usb2", "1d6b:0003"), ("usb3", "1d6b:0002"), ("3-1", "2109:3431"),
        ("3-1.1", "2f0a:0f0d"), ("3-1.3", "13d3:3533"), ("usb4", "1d6b:0003"),
    ]
    assert devices[3].ids_name == "VIA Labs, Inc. Hub" and devices[4].ids_name == ""
    (unclaimed,) = devices[4].configs[0].interfaces
    assert unclaimed.driver_state is DriverState.UNBOUND and unclaimed.driver is None  # Driver=[none]
    assert devices[5].speed == "12" and devices[1].speed == "10000"
    assert [u.line for u in parsed.unparsed] == [1, 18, 19]


def test_tree_quoted_lines_keep_their_shape() -> None:
    lines = number_lines(_text("lsusb-t-em7455-rpi4-pilot.md"))[7:20]
    quoted = [Line(line.number, "> > " + line.text) for line in lines]
    plain = lsusb_tree.parse_lines(lines).value
    assert lsusb_tree.parse_lines(quoted).value == plain


def test_tree_excerpt_without_root_lines_quoted_four_deep() -> None:
    # lore.kernel.org text of a quoted-printable mail; 'Class=' empty on the yocto system
    parsed = lsusb_tree.parse(_text("lsusb-t-cinterion-quoted-linux-usb-20240620.txt"))
    yocto, arch = parsed.value.devices
    assert (yocto.devnum, yocto.port, yocto.speed, yocto.path, yocto.path_exact) == (3, 2, "480", "", False)
    assert [i.number for i in yocto.configs[0].interfaces] == [10, 8, 6, 4, 2, 11, 0, 9, 7, 5, 3, 1]
    assert all(i.cls == -1 and i.triple == "??/??/??" for i in yocto.configs[0].interfaces)
    assert {i.driver for i in yocto.configs[0].interfaces} == {"cdc_acm", "cdc_mbim"}
    assert (arch.devnum, arch.port, arch.speed) == (4, 3, "5000")
    assert [(i.number, i.cls) for i in arch.configs[0].interfaces][:2] == [(0, 0x02), (1, 0x0A)]
    assert arch.configs[0].interface(11).driver == "cdc_mbim"
    # prose, kernel lines and an lsusb line are not tree lines
    assert len(parsed.unparsed) == 18
    assert "Bus 002 Device 004" in parsed.unparsed[16].text


def test_tree_wrapped_anywhere_reads_the_same() -> None:
    import textwrap

    lines = number_lines(_text("lsusb-t-em7455-rpi4-pilot.md"))[7:20]
    expected = lsusb_tree.parse_lines(lines).value
    for width in (25, 32, 40, 45, 60, 70):
        wrapped = []
        for line in lines:
            # a mail client breaks at spaces and keeps the indentation of the first piece
            pieces = textwrap.wrap(line.text, width=width, break_long_words=False, drop_whitespace=False)
            wrapped.extend(Line(line.number, piece.rstrip() if k else piece) for k, piece in enumerate(pieces))
        assert len(wrapped) > len(lines)
        parsed = lsusb_tree.parse_lines(wrapped)
        assert parsed.unparsed == (), width
        assert parsed.value == expected, width


def test_lsusb_names_wrapped_by_mail_client() -> None:
    import textwrap

    lines = number_lines(_text("lsusb-ec25-armbian-9456.txt"))
    expected = lsusb.parse_lines(lines).value.devices
    for width in (40, 50, 60):
        wrapped = [Line(line.number, piece) for line in lines
                   for piece in (textwrap.wrap(line.text, width, break_long_words=False) or [""])]
        devices = lsusb.parse_lines(wrapped).value.devices
        assert [(d.bus, d.devnum, d.vid_pid) for d in devices] == [(d.bus, d.devnum, d.vid_pid) for d in expected]
        # every name but the last device's is whole again (see the module docstring)
        assert [d.ids_name for d in devices][:-1] == [d.ids_name for d in expected][:-1]
        assert "Quectel Wireless Solutions Co., Ltd. EC25 LTE modem" in [d.ids_name for d in devices]
