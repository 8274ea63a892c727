"""debugfs listings from the case thread and linux-usb (tests/fixtures/usb/SOURCE.md)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.errors import InputError
from modem_doctor.model.common import Line, number_lines, to_jsonable
from modem_doctor.model.usb import DriverState, ListingFormat, UsbDevice, UsbListing
from modem_doctor.parse import usb_debugfs
from modem_doctor.parse._usb_common import detect_usb_format, usb_line_kind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "usb"
THREAD = number_lines((FIXTURES / "we826-mu609-thread.txt").read_text(encoding="utf-8"))
# (first line, last line, active configuration) of the user's three listings
RANGES = [(4, 78, 2), (105, 179, 2), (185, 259, 1)]
CUTS = ["we826-listing1-L4-78.txt", "we826-listing2-L105-179.txt", "we826-listing3-L185-259.txt"]


def _block(first: int, last: int) -> List[Line]:
    return list(THREAD[first - 1 : last])


def _mu609(listing: UsbListing) -> UsbDevice:
    found = [device for device in listing.devices if device.vid_pid == "12d1:1573"]
    assert len(found) == 1
    return found[0]


def _summary(listing: UsbListing) -> List[Tuple[str, str, Tuple]]:
    """What matters of a listing, to compare damaged copies with the original."""
    out = []
    for device in listing.devices:
        configs = tuple(
            (c.number, c.active, tuple((i.number, i.alt, i.triple, i.driver_state, i.driver, i.active, len(i.endpoints)) for i in c.interfaces))
            for c in device.configs
        )
        out.append((device.vid_pid, device.path, configs))
    return out


@pytest.mark.parametrize("first,last,active", RANGES)
def test_thread_listing_has_both_configurations(first: int, last: int, active: int) -> None:
    block = _block(first, last)
    assert detect_usb_format(block) == "usb_debugfs"
    parsed = usb_debugfs.parse_lines(block)
    assert parsed.unparsed == ()
    assert (parsed.first_line, parsed.last_line) == (first, last)
    listing = parsed.value
    assert listing.format is ListingFormat.DEBUGFS
    assert [d.vid_pid for d in listing.devices] == ["1d6b:0002", "1a40:0101", "12d1:1573", "1d6b:0001"]
    assert [d.path for d in listing.devices] == ["usb1", "1-1", "1-1.2", "usb2"]

    modem = _mu609(listing)
    assert (modem.bus, modem.level, modem.parent_devnum, modem.port, modem.devnum) == (1, 2, 2, 1, 3)
    assert modem.path == "1-1.2" and modem.path_exact  # dmesg calls it 1-1.2
    assert modem.num_configs == 2 and [c.number for c in modem.configs] == [1, 2]
    assert modem.active_config is not None and modem.active_config.number == active
    assert (modem.manufacturer, modem.product) == ("Huawei Technologies", "HUAWEI Mobile")
    assert modem.first_line == first + 17 and modem.last_line == first + 64

    inactive = next(c for c in modem.configs if not c.active)
    assert all(i.driver_state is DriverState.INACTIVE and i.driver is None and not i.active for i in inactive.interfaces)
    drivers = {i.number: (i.driver_state, i.driver) for i in modem.active_config.interfaces}
    if active == 2:
        # the ECM pair nothing claimed (kmod-usb-net-cdc-ether not loaded), serial ports on option
        assert [i.triple for i in modem.active_config.interfaces][:2] == ["02/06/00", "0a/06/00"]
        assert drivers[0] == drivers[1] == (DriverState.UNBOUND, None)
        assert all(drivers[n] == (DriverState.BOUND, "option") for n in range(2, 7))
    else:
        assert drivers[0] == (DriverState.UNBOUND, None)
        assert all(drivers[n] == (DriverState.BOUND, "option") for n in range(1, 5))
        assert drivers[5] == (DriverState.BOUND, "qmi_wwan")
        assert modem.active_config.interface(5).triple == "ff/01/07"
    # interfaces point back at their lines in the thread
    for config in modem.configs:
        for item in config.interfaces:
            assert THREAD[item.line - 1].text.startswith("I:")
            for endpoint in item.endpoints:
                assert THREAD[endpoint.line - 1].text.startswith("E:")


def test_cut_fixtures_match_the_thread_ranges() -> None:
    for (first, last, _active), name in zip(RANGES, CUTS):
        cut = (FIXTURES / name).read_text(encoding="utf-8")
        assert cut.splitlines() == [line.text for line in _block(first, last)]
        # parse() numbers from 1; the result matches the block apart from line numbers
        assert _summary(usb_debugfs.parse(cut).value) == _summary(usb_debugfs.parse_lines(_block(first, last)).value)


def test_whole_thread_keeps_prose_out() -> None:
    parsed = usb_debugfs.parse("\n".join(line.text for line in THREAD))
    assert len(parsed.value.devices) == 12
    assert [d.vid_pid for d in parsed.value.devices if d.vid_pid == "12d1:1573"] == ["12d1:1573"] * 3
    in_listings = {n for first, last, _a in RANGES for n in range(first, last + 1)}
    for item in parsed.unparsed:
        assert item.line not in in_listings
        assert usb_line_kind(item.text) is None
    assert {item.line for item in parsed.unparsed} | in_listings >= set(range(1, len(THREAD) + 1)) - {
        line.number for line in THREAD if not line.text.strip()
    }


def test_endpoints_and_device_fields() -> None:
    modem = _mu609(usb_debugfs.parse_lines(_block(4, 78)).value)
    first = modem.configs[0].interface(0)
    assert [(e.address, e.direction, e.transfer, e.max_packet, e.interval) for e in first.endpoints] == [
        (0x81, "in", "interrupt", 64, "2ms"),
        (0x82, "in", "bulk", 512, "0ms"),
        (0x01, "out", "bulk", 512, "4ms"),
    ]
    assert (modem.usb_version, modem.speed, modem.revision, modem.cls) == ("2.00", "480", "0.00", 0)
    assert modem.configs[1].max_power_ma == 500 and modem.configs[1].attributes == 0xE0
    root = usb_debugfs.parse_lines(_block(4, 78)).value.devices[0]
    assert root.is_hub and root.max_children == 1 and root.serial == "101c0000.ehci"


def test_simcom_wrapped_line_and_prose() -> None:
    lines = number_lines((FIXTURES / "simcom-8230c-linux-usb-20250808.txt").read_text(encoding="utf-8"))
    parsed = usb_debugfs.parse_lines(lines)
    devices = parsed.value.devices
    assert [d.vid_pid for d in devices] == ["1e0e:9071", "1e0e:9078", "1e0e:907b"]
    assert all(d.path == "1-6" and d.path_exact for d in devices)
    # 'I:* If#= 3 ... Prot=50 ' wrapped before 'Driver=qmi_wwan_simcom' by the mail client
    rmnet = devices[0].active_config.interface(3)
    assert (rmnet.triple, rmnet.driver, rmnet.line) == ("ff/ff/50", "qmi_wwan_simcom", 33)
    assert len(rmnet.endpoints) == 3
    assert devices[0].active_config.interface(4).driver_state is DriverState.UNBOUND
    # ECM data interface: altsetting 0 without endpoints, altsetting 1 current
    ecm = devices[1].active_config
    alt0, alt1 = ecm.interface(4, 0), ecm.interface(4, 1)
    assert alt0 is not None and alt1 is not None
    assert (alt0.active, len(alt0.endpoints), alt1.active, len(alt1.endpoints)) == (False, 0, True, 2)
    assert alt0.driver == alt1.driver == "cdc_ether"
    assoc = devices[2].active_config.associations
    assert [(a.first_interface, a.count, a.cls, a.subclass, a.protocol) for a in assoc] == [(0, 2, 0xEF, 0x04, 0x01)]
    # only the prose is left over
    left = [item.text for item in parsed.unparsed]
    assert "0x9078: tty (DM) + tty (NMEA) + tty (AT) + ECM + adb" in left
    assert "Signed-off-by: Xiaowei Li <xiaowei.li@simcom.com>" in left
    assert not any(text.startswith(("I:", "E:", "T:", "Driver=")) for text in left)
    assert len(left) == 15  # 6 lines of the reply, greeting and name, 7 heading and sign-off lines


def _wrap(lines: Sequence[Line], width: int) -> List[Line]:
    """Wrap lines the way a mail client does (at spaces), keeping each piece's line number."""
    out = []
    for line in lines:
        for piece in textwrap.wrap(line.text, width=width, break_long_words=False) or [""]:
            out.append(Line(line.number, piece))
    return out


@pytest.mark.parametrize("first,last,_active", RANGES)
@pytest.mark.parametrize("width", [30, 45, 60])
def test_mail_wrapped_copy_reads_the_same(first: int, last: int, _active: int, width: int) -> None:
    block = _block(first, last)
    wrapped = _wrap(block, width)
    assert len(wrapped) > len(block)
    parsed = usb_debugfs.parse_lines(wrapped)
    assert parsed.unparsed == ()
    assert _summary(parsed.value) == _summary(usb_debugfs.parse_lines(block).value)


@pytest.mark.parametrize("first,last,_active", RANGES)
def test_quoted_and_glued_copy_reads_the_same(first: int, last: int, _active: int) -> None:
    block = _block(first, last)
    expected = _summary(usb_debugfs.parse_lines(block).value)
    quoted = [Line(line.number, ("> " if line.number % 2 else ">> ") + line.text) for line in block]
    assert _summary(usb_debugfs.parse_lines(quoted).value) == expected
    # newlines lost: every device's records on one line
    glued: List[Line] = []
    for line in block:
        if line.text.startswith("T:") or not glued:
            glued.append(line)
        else:
            glued[-1] = Line(glued[-1].number, glued[-1].text + " " + line.text)
    parsed = usb_debugfs.parse_lines(glued)
    assert parsed.unparsed == ()
    assert [(vid, path) for vid, path, _c in _summary(parsed.value)] == [(vid, path) for vid, path, _c in expected]
    assert _summary(parsed.value)[2][2] == expected[2][2]


@pytest.mark.parametrize("first,last,_active", RANGES)
def test_web_copy_with_no_break_spaces_reads_the_same(first: int, last: int, _active: int) -> None:
    block = _block(first, last)
    nbsp = [Line(line.number, "\u00a0" + line.text.replace(" ", "\u00a0")) for line in block]
    parsed = usb_debugfs.parse_lines(nbsp)
    assert parsed.unparsed == ()
    assert _summary(parsed.value) == _summary(usb_debugfs.parse_lines(block).value)
    assert _mu609(parsed.value).manufacturer == "Huawei Technologies"


def test_partial_listing_paths() -> None:
    # the MU609 alone, as mail excerpts show it: its hub is not shown
    alone = usb_debugfs.parse_lines(_block(21, 67)).value.devices
    assert len(alone) == 1
    assert alone[0].path == "1-?.2" and not alone[0].path_exact
    # hub and modem without the root hub: level 1 is exact, the child follows it
    pair = usb_debugfs.parse_lines(_block(14, 67)).value.devices
    assert [d.path for d in pair] == ["1-1", "1-1.2"] and all(d.path_exact for d in pair)


def test_json_and_registry() -> None:
    parsed = usb_debugfs.parse_lines(_block(185, 259))
    data = to_jsonable(parsed)
    assert data["kind"] == "usb_debugfs"
    assert data["value"]["devices"][2]["configs"][0]["interfaces"][5]["driver"] == "qmi_wwan"
    assert data["value"]["devices"][2]["configs"][1]["interfaces"][0]["driver_state"] == "inactive"


def test_not_text_is_an_input_error() -> None:
    with pytest.raises(InputError):
        usb_debugfs.parse(b"T: Bus=01")  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(THREAD) - 1), max_size=60), st.text(max_size=200))
def test_damaged_input_never_raises(picks: List[int], noise: str) -> None:
    lines = [THREAD[i] for i in picks] + list(number_lines(noise, first=1000))
    parsed = usb_debugfs.parse_lines(lines)
    assert isinstance(parsed.value, UsbListing)
    for device in parsed.value.devices:
        for config in device.configs:
            for item in config.interfaces:
                assert (item.driver is not None) == (item.driver_state is DriverState.BOUND)
