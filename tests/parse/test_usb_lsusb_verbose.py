"""lsusb -v on real outputs (tests/fixtures/usb/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from modem_doctor.model.common import Line, number_lines
from modem_doctor.model.usb import DriverState, ListingFormat
from modem_doctor.parse import lsusb_verbose
from modem_doctor.parse._usb_common import detect_usb_format

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "usb"
PLSX3 = "lsusb-v-cinterion-plsx3-linux-usb-20210118.txt"
DW5570 = "lsusb-v-dell-dw5570-forum-20131006.txt"


def _lines(name: str):  # type: ignore[no-untyped-def]
    return number_lines((FIXTURES / name).read_text(encoding="utf-8"))


def test_cdc_ethernet_modem_with_associations() -> None:
    lines = _lines(PLSX3)
    assert detect_usb_format(lines) == "lsusb_verbose"
    parsed = lsusb_verbose.parse_lines(lines)
    (device,) = parsed.value.devices
    assert device.listing_format is ListingFormat.LSUSB_VERBOSE
    assert (device.vid_pid, device.bus, device.devnum) == ("1e2d:0069", 3, 7)
    assert (device.manufacturer, device.product, device.serial) == ("Cinterion Wireless Modules", "PLSx3", "fa3c1419")
    assert (device.cls, device.subclass, device.protocol, device.usb_version, device.num_configs) == (0xEF, 2, 1, "2.00", 1)
    (config,) = device.configs
    assert config.active  # the only configuration
    assert (config.number, config.num_interfaces, config.attributes, config.max_power_ma) == (1, 10, 0xE0, 500)
    assert [(a.first_interface, a.count, a.cls, a.subclass, a.protocol) for a in config.associations] == [
        (0, 2, 2, 2, 1), (2, 2, 2, 2, 1), (4, 2, 2, 2, 1), (6, 2, 2, 2, 1), (8, 2, 2, 0, 0),
    ]
    assert [(i.number, i.alt) for i in config.interfaces] == [(n, 0) for n in range(10)] + [(9, 1)]
    assert all(i.driver_state is DriverState.NOT_SHOWN and i.driver is None for i in config.interfaces)
    ecm = config.interface(8)
    assert ecm.triple == "02/06/00"
    names = [fd.name for fd in ecm.functional]
    assert names == ["CDC Header", "CDC Ethernet", "CDC Union"]
    ether = dict(ecm.functional[1].fields)
    assert ether["iMacAddress"] == "1 00A0C6C14190" and ether["wMaxSegmentSize"] == "16384"
    assert dict(ecm.functional[2].fields) == {"bMasterInterface": "8", "bSlaveInterface": "9"}
    acm = config.interface(0)
    assert [fd.name for fd in acm.functional] == ["CDC Header", "CDC ACM", "CDC Call Management", "CDC Union"]
    assert ("line coding and serial state", "") in acm.functional[1].fields
    assert [(e.address, e.direction, e.transfer, e.max_packet, e.interval) for e in acm.endpoints] == [
        (0x81, "in", "interrupt", 64, "5")
    ]
    data = config.interface(9, 1)
    assert [(e.address, e.direction, e.transfer, e.max_packet) for e in data.endpoints] == [
        (0x8A, "in", "bulk", 512), (0x05, "out", "bulk", 512),
    ]
    assert config.interface(9, 0).endpoints == ()
    # the Device Qualifier's class fields do not overwrite the device's
    assert device.last_line == 408 and device.first_line == 3  # "(Bus Powered)" of Device Status
    assert [(u.line, u.text) for u in parsed.unparsed] == [
        (1, "lsusb -v for this device:"), (410, "Signed-off-by: Giacinto Cifelli <gciofono@gmail.com>"),
    ]


def test_two_configurations_and_undecoded_descriptors() -> None:
    parsed = lsusb_verbose.parse_lines(_lines(DW5570))
    (device,) = parsed.value.devices
    assert device.vid_pid == "413c:81a3" and device.ids_name == "Dell Computer Corp."
    assert device.product == "Dell Wireless 5570 HSPA+ (42Mbps) Mobile Broadband Card" and device.serial == ""
    assert device.num_configs == 2 and [c.number for c in device.configs] == [1, 2]
    # lsusb -v does not say which configuration is active
    assert device.active_config is None
    first, second = device.configs
    assert [i.number for i in first.interfaces] == [2, 3, 8, 0]
    assert [i.triple for i in first.interfaces] == ["ff/00/00", "ff/00/00", "ff/ff/ff", "ff/ff/ff"]
    assert [fd.fields for fd in first.interfaces[0].functional] == [
        (("bytes", "05 24 00 10 01"),), (("bytes", "05 24 01 00 00"),), (("bytes", "04 24 02 02"),), (("bytes", "05 24 06 00 00"),),
    ]
    assert first.interfaces[2].functional[0].fields[0][1].startswith("2c ff 42 49 53 54")
    assert [len(i.endpoints) for i in first.interfaces] == [3, 3, 3, 2]
    # configuration 2 is MBIM: IAD over 12-13, an MBIM descriptor this usbutils could not decode
    assert [(a.first_interface, a.count, a.cls, a.subclass) for a in second.associations] == [(12, 2, 2, 14)]
    control = second.interface(12)
    assert control.triple == "02/0e/00"
    assert [fd.name for fd in control.functional] == ["CDC Header", "UNRECOGNIZED CDC"]
    assert control.functional[1].fields == (("bytes", "0c 24 1b 00 01 00 10 10 80 e0 0f 20"),)
    assert second.interface(13, 0).num_endpoints == 0 and len(second.interface(13, 1).endpoints) == 2
    assert [u.line for u in parsed.unparsed] == [1, 3, 286, 288]


def test_quoted_copy_reads_the_same() -> None:
    lines = _lines(DW5570)
    quoted = [Line(line.number, "> " + line.text) for line in lines]
    assert lsusb_verbose.parse_lines(quoted).value == lsusb_verbose.parse_lines(lines).value


def test_lost_indentation_still_reads() -> None:
    # forums that strip leading spaces: fields are still known by name
    lines = _lines(PLSX3)
    flat = [Line(line.number, line.text.strip()) for line in lines]
    parsed = lsusb_verbose.parse_lines(flat)
    (device,) = parsed.value.devices
    original = lsusb_verbose.parse_lines(lines).value.devices[0]
    assert [(i.number, i.alt, i.triple, len(i.endpoints)) for i in device.configs[0].interfaces] == [
        (i.number, i.alt, i.triple, len(i.endpoints)) for i in original.configs[0].interfaces
    ]
    # only the decoded flag lines ('Self Powered', ...) become unexplained without indentation
    left = {u.text for u in parsed.unparsed}
    assert "Signed-off-by: Giacinto Cifelli <gciofono@gmail.com>" in left
    assert left <= {
        "lsusb -v for this device:", "Signed-off-by: Giacinto Cifelli <gciofono@gmail.com>",
        "Self Powered", "Remote Wakeup", "line coding and serial state", "call management",
        "use DataInterface", "(Bus Powered)",
    }


def test_same_device_in_usb_devices_and_lsusb_v_agrees() -> None:
    """One message carries both listings of a TOZED LT70-C (1782:4055): they must agree."""
    from modem_doctor.parse import usb_devices

    lines = _lines("tozed-lt70c-usb-devices-and-lsusb-v-linux-usb-20230417.txt")
    assert detect_usb_format(lines[4:49]) == "usb_devices"
    assert detect_usb_format(lines[55:]) == "lsusb_verbose"
    sysfs_view = usb_devices.parse_lines(lines[4:49])
    descriptors = lsusb_verbose.parse_lines(lines[55:])
    assert sysfs_view.unparsed == ()
    assert [u.text for u in descriptors.unparsed] == ["---", " drivers/usb/serial/option.c | 6 ++++++", " 1 file changed, 6 insertions(+)"]
    (current,) = sysfs_view.value.devices
    (full,) = descriptors.value.devices
    assert current.vid_pid == full.vid_pid == "1782:4055"
    assert (full.manufacturer, full.serial, full.revision) == ("Unisoc Phone", "<redacted>", "4.04")
    assert full.configs[0].active and full.configs[0].num_interfaces == current.configs[0].num_interfaces == 14
    assert full.configs[0].attributes == current.configs[0].attributes == 0xC0
    # usb-devices shows the current altsetting of each interface; lsusb -v shows them all
    for item in current.configs[0].interfaces:
        twin = full.configs[0].interface(item.number, item.alt)
        assert twin is not None, item
        assert (twin.cls, twin.subclass, twin.protocol) == (item.cls, item.subclass, item.protocol)
        assert sorted(e.address for e in twin.endpoints) == sorted(e.address for e in item.endpoints)
        assert {(e.address, e.transfer, e.max_packet) for e in twin.endpoints} == {
            (e.address, e.transfer, e.max_packet) for e in item.endpoints
        }
        assert item.driver_state is DriverState.BOUND and twin.driver_state is DriverState.NOT_SHOWN
    assert len(full.configs[0].interfaces) == 18  # 14 interfaces, 4 with a second altsetting
    ncm = full.configs[0].interface(0)
    assert [fd.name for fd in ncm.functional] == ["CDC Header", "CDC Union", "CDC Ethernet", "CDC NCM"]
    assert ncm.functional[3].fields == (
        ("bcdNcmVersion", "1.00"), ("bmNetworkCapabilities", "0x11"), ("crc mode", ""), ("packet filter", ""),
    )
    assert ncm.name == "CDC Network Control Model (NCM)"
    assert full.configs[0].interface(12).name == "ADB Interface"
    assert [(a.first_interface, a.subclass) for a in full.configs[0].associations] == [(0, 13), (2, 13), (4, 13), (6, 13)]


def test_mbim_functional_descriptors() -> None:
    lines = _lines("lsusb-v-cinterion-1e2d0065-mbim-linux-usb-20240620.txt")
    parsed = lsusb_verbose.parse_lines(lines)
    (device,) = parsed.value.devices
    assert (device.vid_pid, device.ids_name, device.product) == ("1e2d:0065", "Cinterion LTE Modem", "LTE Modem")
    (config,) = device.configs
    assert config.num_interfaces == 12 and config.attributes == 0xA0
    control = config.interface(10)
    assert (control.triple, control.name) == ("02/0e/00", "MBIM Control")
    mbim = {fd.name: dict(fd.fields) for fd in control.functional}
    assert list(mbim) == ["CDC Header", "CDC Union", "CDC MBIM", "CDC MBIM Extended"]
    assert mbim["CDC MBIM"]["wMaxControlMessage"] == "4096" and mbim["CDC MBIM"]["bmNetworkCapabilities"] == "0x20"
    assert mbim["CDC MBIM Extended"] == {
        "bcdMBIMExtendedVersion": "1.00", "bMaxOutstandingCommandMessages": "64", "wMTU": "1500",
    }
    assert mbim["CDC Union"] == {"bMasterInterface": "10", "bSlaveInterface": "11"}
    data = config.interface(11, 1)
    assert data.name == "MBIM Data" and [e.address for e in data.endpoints] == [0x8E, 0x0F]
    # the DIAG ACM function: iFunction strings and a zero bmCapabilities
    assert config.interface(8).name == "CDC Abstract Control Model (ACM) for DIAG"
    assert [u.text for u in parsed.unparsed] == ["they seem ok with -v, I don't understand it.", "yocto:", "arch:"]


def test_excerpt_starting_below_the_device_descriptor() -> None:
    lines = _lines("lsusb-v-cinterion-1e2d0065-mbim-linux-usb-20240620.txt")
    start = next(i for i, line in enumerate(lines) if line.text.strip() == "bFirstInterface        10") - 3
    excerpt = lines[start:]
    assert excerpt[0].text.strip() == "Interface Association:"
    (device,) = lsusb_verbose.parse_lines(excerpt).value.devices
    (config,) = device.configs
    assert config.number == 0 and device.vid_pid == "0000:0000"  # not shown in the excerpt
    assert [(i.number, i.alt) for i in config.interfaces] == [(10, 0), (11, 0), (11, 1)]
    assert [a.first_interface for a in config.associations] == [10]
    assert [fd.name for fd in config.interface(10).functional][2] == "CDC MBIM"


@pytest.mark.parametrize("name", [DW5570, PLSX3, "lsusb-v-cinterion-1e2d0065-mbim-linux-usb-20240620.txt"])
@pytest.mark.parametrize("width", [60, 72])
def test_mail_wrapped_copy_reads_the_same(name: str, width: int) -> None:
    import textwrap

    lines = _lines(name)
    wrapped = [Line(line.number, piece) for line in lines
               for piece in (textwrap.wrap(line.text, width, break_long_words=False, drop_whitespace=False) or [""])]
    parsed = lsusb_verbose.parse_lines(wrapped)
    original = lsusb_verbose.parse_lines(lines)
    assert parsed.value == original.value
    assert {u.line for u in parsed.unparsed} == {u.line for u in original.unparsed}
