"""All five USB parsers on one device as the real kernel and usbutils print it.

tests/fixtures/lab/ (see its SOURCE.md) holds outputs captured in the virtual lab: a real
Debian kernel with the MU609's two configurations on dummy_hcd, usbutils 014. The five
listings of each state must agree with each other wherever they overlap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modem_doctor.model.usb import DriverState, UsbDevice
from modem_doctor.parse import lsusb, lsusb_tree, lsusb_verbose, usb_debugfs, usb_devices
from modem_doctor.parse._usb_common import detect_usb_format

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab" / "mu609"
FILES = {
    "debugfs-usb-devices.txt": usb_debugfs,
    "usb-devices.txt": usb_devices,
    "lsusb.txt": lsusb,
    "lsusb-t.txt": lsusb_tree,
    "lsusb-v.txt": lsusb_verbose,
}
pytestmark = pytest.mark.skipif(not LAB.is_dir(), reason="lab captures not present")


def _modem(state: str, name: str) -> UsbDevice:
    text = (LAB / state / name).read_text(encoding="utf-8")
    parser = FILES[name]
    assert detect_usb_format(text) == parser.KIND
    parsed = parser.parse(text)
    assert parsed.unparsed == ()
    devices = parsed.value.devices
    assert len(devices) == 2 and "usb1" in {d.path for d in devices}
    # lsusb -t shows no IDs: the modem is the device that is not the root hub
    (modem,) = [d for d in devices if d.devnum == 2]
    return modem


@pytest.mark.parametrize("state,active", [("config1", 1), ("config2", 2)])
def test_five_listings_agree(state: str, active: int) -> None:
    debugfs = _modem(state, "debugfs-usb-devices.txt")
    sysfs = _modem(state, "usb-devices.txt")
    plain = _modem(state, "lsusb.txt")
    tree = _modem(state, "lsusb-t.txt")
    verbose = _modem(state, "lsusb-v.txt")

    for device in (debugfs, sysfs, plain, verbose):
        assert device.vid_pid == "12d1:1573"
    assert plain.ids_name.startswith("Huawei Technologies")
    assert debugfs.path == sysfs.path == tree.path == "1-1"

    # debugfs and lsusb -v list both configurations; usb-devices and lsusb -t the active one
    assert [c.number for c in debugfs.configs] == [c.number for c in verbose.configs] == [1, 2]
    assert debugfs.active_config.number == sysfs.active_config.number == active
    assert verbose.active_config is None  # lsusb -v cannot tell
    assert len(sysfs.configs) == len(tree.configs) == 1

    # every altsetting of every configuration: debugfs and lsusb -v agree on the descriptors
    for shown, described in zip(debugfs.configs, verbose.configs):
        assert [(i.number, i.alt, i.triple, i.num_endpoints) for i in shown.interfaces] == [
            (i.number, i.alt, i.triple, i.num_endpoints) for i in described.interfaces
        ]
        for a, b in zip(shown.interfaces, described.interfaces):
            assert [(e.address, e.transfer, e.max_packet) for e in a.endpoints] == [
                (e.address, e.transfer, e.max_packet) for e in b.endpoints
            ]
        assert [(x.first_interface, x.count, x.cls) for x in shown.associations] == [
            (x.first_interface, x.count, x.cls) for x in described.associations
        ]
        if not shown.active:
            assert {i.driver_state for i in shown.interfaces} == {DriverState.INACTIVE}
    assert {i.driver_state for c in verbose.configs for i in c.interfaces} == {DriverState.NOT_SHOWN}

    # the drivers of the active configuration: debugfs, usb-devices and lsusb -t agree
    current = {(i.number, i.driver) for i in debugfs.active_config.interfaces if i.active}
    assert {(i.number, i.driver) for i in sysfs.active_config.interfaces} == current
    assert {(i.number, i.driver) for i in tree.configs[0].interfaces} == current
    drivers = {driver for _n, driver in current}
    assert drivers == ({"option", "qmi_wwan"} if active == 1 else {"option", "cdc_ether"})
