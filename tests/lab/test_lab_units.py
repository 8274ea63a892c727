"""Lab pieces that need no VM: descriptor bytes, the CD-ROM responder, the rig's naming."""

from __future__ import annotations

import struct

from modem_doctor.lab import SCENARIOS
from modem_doctor.lab.gadgetfs import ntb_parameters
from modem_doctor.lab.scenarios import mu609
from modem_doctor.lab.storage import FAILED, GOOD, SwitchingCdrom, huawei_new_mode
from modem_doctor.lab.usbdesc import (
    cdc_mbim_functional,
    config_descriptor,
    ffs_descriptors,
    ffs_strings,
)


def test_ffs_blob_counts_and_length() -> None:
    ifaces = mu609.interfaces(with_qmi=True)
    blob = ffs_descriptors(ifaces)
    magic, length, flags, fs_count, hs_count = struct.unpack_from("<IIIII", blob)
    assert (magic, flags) == (3, 3)
    assert length == len(blob)
    # 4 interfaces, 3 + 2 + 2 + 3 endpoints, per speed
    assert fs_count == hs_count == 4 + 10
    assert ffs_strings() == struct.pack("<IIII", 2, 16, 0, 0)


def test_mu609_layout_follows_the_case() -> None:
    ifaces = mu609.interfaces(with_qmi=True)
    assert [(i.cls, i.sub, i.proto) for i in ifaces] == [
        (0xFF, 1, 1), (0xFF, 1, 3), (0xFF, 1, 2), (0xFF, 1, 7)]
    assert [i.role for i in ifaces] == ["at", "idle", "at", "qmi"]
    addresses = [ep.address for i in ifaces for ep in i.endpoints]
    assert len(addresses) == len(set(addresses))
    # four bulk pairs at most per configuration (dummy_hcd's distinct endpoint numbers)
    assert sum(1 for i in ifaces for ep in i.endpoints if ep.kind == 2 and ep.is_in) <= 4


def test_config_descriptor_total_length() -> None:
    ifaces = mu609.interfaces(with_qmi=False)
    desc = config_descriptor(2, ifaces, high_speed=True)
    total, n_ifs, value, _, attrs = struct.unpack_from("<HBBBB", desc, 2)
    assert total == len(desc) and n_ifs == 3 and value == 2 and attrs == 0xE0


def test_mbim_descriptors() -> None:
    func = cdc_mbim_functional(max_control=256)
    assert func[0] == len(func) == 12 and func[1:3] == b"\x24\x1b"
    assert struct.unpack_from("<H", func, 5)[0] == 256
    ntb = ntb_parameters()
    assert len(ntb) == 28 and struct.unpack_from("<H", ntb)[0] == 28


def test_cdrom_answers_and_switches() -> None:
    switched = []
    cd = SwitchingCdrom("HUAWEI", "Mass Storage", huawei_new_mode, lambda: switched.append(1), lambda m: None)
    status, data, after = cd.handle_cbw(bytes([0x12, 0, 0, 0, 36, 0]), 36, b"")
    assert status == GOOD and data[0] == 0x05 and data[8:14] == b"HUAWEI"
    status, _, _ = cd.handle_cbw(bytes(6), 0, b"")  # TEST UNIT READY: no disc
    assert status == FAILED
    status, sense, _ = cd.handle_cbw(bytes([0x03, 0, 0, 0, 18, 0]), 18, b"")
    assert status == GOOD and (sense[2], sense[12]) == (0x02, 0x3A)
    # usb_modeswitch's standard Huawei message, CDB as sent (bCBWCBLength 0)
    cdb = bytes.fromhex("11062000000101000100000000000000")
    status, _, after = cd.handle_cbw(cdb, 0, b"")
    assert status == GOOD and after is not None
    after()
    assert switched == [1] and cd.switched


def test_every_scenario_has_a_module() -> None:
    import importlib

    for name in SCENARIOS:
        module = importlib.import_module(f"modem_doctor.lab.scenarios.{name.replace('-', '_')}")
        assert callable(module.run)
