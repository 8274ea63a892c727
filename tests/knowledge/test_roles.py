"""Interface roles on real listings: the case thread and corpus modems of several vendors."""

from __future__ import annotations

from modem_doctor.knowledge import catalog, roles
from modem_doctor.model.usb import DriverState, UsbConfig, UsbInterface

import os

from modem_doctor.parse import usb_debugfs, usb_devices

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(REPO, "tests", "fixtures", "corpus", "usb-listings")
USB = os.path.join(REPO, "tests", "fixtures", "usb")


def corpus_device(file_name):
    """The modem of one corpus listing (header lines skipped, parser by format)."""
    with open(os.path.join(CORPUS, file_name), encoding="utf-8") as handle:
        text = handle.read()
    body = text.split("\n\n", 1)[1]
    parser = usb_debugfs if "# format: debugfs" in text else usb_devices
    vid_pid = f"{file_name[0:4]}:{file_name[5:9]}"
    return next(d for d in parser.parse(body).value.devices if d.vid_pid == vid_pid)


def case_device(listing_file="we826-listing1-L4-78.txt"):
    """The MU609 of one of the case thread's listings."""
    with open(os.path.join(USB, listing_file), encoding="utf-8") as handle:
        listing = usb_debugfs.parse(handle.read()).value
    return next(d for d in listing.devices if d.vid_pid == "12d1:1573")


def role_map(device, config_number=None, model=None, drivers=None):
    config = device.active_config if config_number is None else next(c for c in device.configs if c.number == config_number)
    return {a.number: a for a in roles.assign_config(device.vid_pid, config, model, drivers)}


def test_case_configuration_1_with_catalog_port_map():
    device = case_device()
    model = catalog.identify(device.vid_pid)
    got = role_map(device, 1, model)
    assert {n: a.role for n, a in got.items()} == {0: "modem", 1: "diag", 2: "at", 3: "gps", 4: "gps", 5: "qmi"}
    assert all(a.source == "catalog port map" for a in got.values())
    assert "thread.txt" in got[5].detail


def test_case_without_catalog_uses_huawei_protocol_codes():
    device = case_device()
    got = role_map(device, 1, None)
    assert {n: a.role for n, a in got.items()} == {0: "modem", 1: "diag", 2: "at", 3: "gps", 4: "gps", 5: "qmi"}
    assert got[0].source == "Huawei protocol code"
    assert "77-mm-huawei" in got[0].detail  # modem port from ModemManager's Huawei rules
    assert "qmi_wwan.c" in got[5].detail  # ff/01/07 from the kernel's qmi_wwan table


def test_case_configuration_2_is_ecm_plus_serial_ports():
    device = case_device()
    got = role_map(device, 2, catalog.identify(device.vid_pid))
    assert got[0].role == "ecm" and got[0].source == "class triple"
    assert got[1].role == "ecm"  # the CDC data interface follows its control interface
    assert [got[n].role for n in range(2, 7)] == ["modem", "diag", "at", "gps", "gps"]
    assert roles.data_path(tuple(got.values())) == "ecm"


def test_quectel_ec25_in_ecm_mode_uses_modemmanager_port_types():
    device = corpus_device("2c7c_0125_linux-usb-20200829-dynamic-quectel.txt")
    got = role_map(device)
    assert {n: got[n].role for n in range(4)} == {0: "diag", 1: "gps", 2: "at", 3: "at"}
    assert got[0].source == "ModemManager port types"
    assert got[4].role == "ecm" and got[5].role == "ecm"


def test_foxconn_mbim_data_interface():
    device = corpus_device("0489_e0b4_linux-usb-20191113-foxconn-t77w968-lte-2.txt")
    got = role_map(device)
    assert got[0].role == "mbim" and got[1].role == "mbim"
    assert roles.data_path(tuple(got.values())) == "mbim"


def test_rndis_adb_and_qualcomm_protocol_codes():
    device = corpus_device("0489_e145_linux-usb-20240705-foxconn-t99w651.txt")
    got = role_map(device)
    assert got[0].role == "rndis" and got[1].role == "rndis"
    assert got[2].role == "at" and got[2].source == "Qualcomm SDX protocol code"
    assert got[4].role == "diag"
    assert got[6].role == "adb" and got[6].source == "class triple"
    assert got[5].role == "unknown"


def test_telit_fn990_port_map():
    device = corpus_device("1bc7_1070_linux-usb-20211210-telit-fn990.txt")
    got = role_map(device, model=catalog.identify(device.vid_pid))
    assert [got[n].role for n in range(7)] == ["diag", "adb", "qmi", "gps", "at", "at", "at"]


def test_predicted_driver_is_the_last_resort():
    device = corpus_device("0489_e0b4_linux-usb-20191113-foxconn-t77w968-lte.txt")
    config = device.active_config
    drivers = {i.number: i.driver for i in config.interfaces}
    got = {a.number: a for a in roles.assign_config(device.vid_pid, config, None, drivers)}
    qmi = [n for n, d in drivers.items() if d == "qmi_wwan"]
    assert qmi and all(got[n].role == "qmi" for n in qmi)


def _serial(number):
    return UsbInterface(number=number, alt=0, cls=0xFF, subclass=0xFF, protocol=0xFF, driver="option",
                        driver_state=DriverState.BOUND, num_endpoints=2)


def test_openwrt_wwan_record_fills_unknown_serial_ports():
    # Synthetic shape (three vendor serial ports) for an ID whose only source is the wwan
    # record: 12d1:1c23 "Huawei E173" says control 0, data 2.
    config = UsbConfig(number=1, active=True, num_interfaces=3, interfaces=(_serial(0), _serial(1), _serial(2)))
    got = {a.number: a for a in roles.assign_config("12d1:1c23", config, None, {0: "option", 1: "option", 2: "option"})}
    assert got[0].role == "at" and got[0].source == "OpenWrt wwan record"
    assert got[2].role == "modem"
    assert got[1].role == "unknown"


def test_every_corpus_interface_gets_a_known_role():
    for name in sorted(os.listdir(CORPUS)):
        if not name.endswith(".txt"):
            continue
        device = corpus_device(name)
        for config in device.configs:
            for assignment in roles.assign_config(device.vid_pid, config, catalog.identify(device.vid_pid)):
                assert assignment.role in roles.ROLES
                assert assignment.source
