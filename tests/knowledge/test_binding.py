"""Kernel driver binding predicted the way Linux 6.1 decides it, checked on real listings.

The case listings are the WE826/MU609 thread's debugfs output (tests/fixtures/usb/SOURCE.md);
the rule examples are corpus listings posted to linux-usb (tests/fixtures/corpus/SOURCE.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from modem_doctor.knowledge import binding
from modem_doctor.model.common import number_lines
from modem_doctor.model.usb import DriverState, Endpoint, UsbConfig, UsbDevice, UsbInterface
from modem_doctor.parse import parser_module

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "corpus" / "usb-listings"


def _devices(path: Path, kind: str = "") -> List[UsbDevice]:
    text = path.read_text(encoding="utf-8")
    lines = [line for line in number_lines(text) if not line.text.startswith("# ")]
    if not kind:
        if "usb-listings" in str(path):
            kind = "usb_debugfs" if "# format: debugfs" in text else "usb_devices"
        elif path.name.startswith("lsusb-v"):
            kind = "lsusb_verbose"
        else:
            kind = "usb_debugfs"
    listing = parser_module(kind).parse_lines(lines).value
    return [d for d in listing.devices if not d.is_hub]


def _device(path: Path, vid_pid: str = "") -> UsbDevice:
    for device in _devices(path):
        if not vid_pid or device.vid_pid == vid_pid:
            return device
    raise AssertionError(f"{vid_pid} not in {path.name}")


def _corpus(name: str) -> UsbDevice:
    return _device(CORPUS / name)


# ------------------------------------------------------------------ the case: Huawei MU609


@pytest.fixture(scope="module")
def mu609() -> binding.DevicePrediction:
    # configuration 2 active, cdc_ether not installed on the router
    return binding.predict(_device(FIXTURES / "usb" / "we826-listing1-L4-78.txt", "12d1:1573"))


def test_mu609_linux_picks_configuration_2(mu609: binding.DevicePrediction) -> None:
    assert mu609.chosen_config == 2
    assert mu609.chosen_rule == "usb_choose_configuration"
    assert "not vendor-specific" in mu609.chosen_reason


def test_mu609_configuration_1_qmi_on_interface_5(mu609: binding.DevicePrediction) -> None:
    config = mu609.config(1)
    assert config is not None and not config.active
    qmi = config.interface(5)
    assert qmi is not None
    assert qmi.driver == "qmi_wwan"
    assert qmi.package == "kmod-usb-net-qmi-wwan"
    assert qmi.rule == "qmi_wwan_bind"
    assert qmi.match is not None
    assert qmi.match.file == "drivers/net/usb/qmi_wwan.c"
    assert qmi.match.summary == "USB_VENDOR_AND_INTERFACE_INFO(0x12d1, 0xff, 0x01, 0x07)"
    assert qmi.match.driver_info == "qmi_wwan_info"
    for number in range(5):
        serial = config.interface(number)
        assert serial is not None and serial.driver == "option", number
        assert serial.rule == "option_probe"
        assert serial.package == "kmod-usb-serial-option"
        assert serial.match is not None and serial.match.where.startswith("drivers/usb/serial/option.c:")


def test_mu609_configuration_2_ecm_and_serial(mu609: binding.DevicePrediction) -> None:
    config = mu609.config(2)
    assert config is not None and config.active
    control, data = config.interface(0), config.interface(1)
    assert control is not None and data is not None
    assert control.driver == "cdc_ether" and control.rule == "usbnet_cdc_bind"
    assert data.driver == "cdc_ether" and data.claimed_by == 0
    assert data.rule == "usb_driver_claim_interface"
    assert [config.interface(n).driver for n in range(2, 7)] == ["option"] * 5  # type: ignore[union-attr]


def test_mu609_configuration_1_listing_agrees_on_the_network_interface() -> None:
    # The thread's third listing, after 'echo 1 > bConfigurationValue': qmi_wwan on If#5.
    device = _device(FIXTURES / "usb" / "we826-listing3-L185-259.txt", "12d1:1573")
    active = device.active_config
    assert active is not None and active.number == 1
    prediction = binding.predict(device)
    assert prediction.chosen_config == 2  # Linux would still pick 2 on the next plug-in
    predicted = prediction.config(1)
    assert predicted is not None
    for intf in active.interfaces:
        if intf.driver_state == DriverState.BOUND:
            assert predicted.interface(intf.number).driver == intf.driver  # type: ignore[union-attr]


# ------------------------------------------------------------------ probe rules on corpus listings


def test_option_reserved_interface() -> None:
    # Foxconn T77W968: interface 6 (ff/ff/ff, one endpoint) is RSVD(6); listing: Driver=(none)
    device = _corpus("0489_e0b4_linux-usb-20191113-foxconn-t77w968-lte-2.txt")
    config = binding.predict(device).config(device.active_config.number)  # type: ignore[union-attr]
    reserved = config.interface(6)  # type: ignore[union-attr]
    assert reserved is not None and reserved.driver is None
    assert reserved.rule == "option_probe"
    assert "RSVD(6)" in reserved.reason
    assert "option" in reserved.candidates


def test_mbim_claims_its_data_interface() -> None:
    device = _corpus("0489_e0b4_linux-usb-20191113-foxconn-t77w968-lte-2.txt")
    config = binding.predict(device).config(device.active_config.number)  # type: ignore[union-attr]
    control = config.interface(0)  # type: ignore[union-attr]
    assert control is not None and control.driver == "cdc_mbim" and control.rule == "cdc_mbim_bind"
    data = [i for i in config.interfaces if i.number == 1]  # type: ignore[union-attr]
    assert data and all(i.driver == "cdc_mbim" and i.claimed_by == 0 for i in data)
    # qmi_wwan (a numbered match, refused on a class-02 interface) and option (a whole-device
    # match) want it too; cdc_mbim registers before option, so it wins
    assert control.candidates == ("qmi_wwan", "cdc_mbim", "option")
    assert "interface-number match" in dict(control.rejected)["qmi_wwan"]


def test_ncm_function_goes_to_cdc_ncm() -> None:
    device = _corpus("2c7c_0900_linux-usb-20230328-quectel-rm500u-cn-3.txt")
    config = binding.predict(device).config(device.active_config.number)  # type: ignore[union-attr]
    control = config.interface(0)  # type: ignore[union-attr]
    assert control is not None and control.driver == "cdc_ncm" and control.rule == "cdc_ncm_bind"
    assert "cdc_mbim" in control.candidates  # cdc_mbim's table also matches 02/0d/00 ...
    assert config.interface(1, 1).driver == "cdc_ncm"  # type: ignore[union-attr]


def test_rndis_claims_interface_1() -> None:
    device = _corpus("0e8d_7126_linux-usb-20240626-fibocom-fm350-gl.txt")
    config = binding.predict(device).config(device.active_config.number)  # type: ignore[union-attr]
    assert config.interface(0).driver == "rndis_host"  # type: ignore[union-attr]
    assert config.interface(0).rule == "rndis_bind"  # type: ignore[union-attr]
    assert config.interface(1).claimed_by == 0  # type: ignore[union-attr]
    adb = config.interface(3)  # type: ignore[union-attr]
    assert adb is not None and adb.driver is None  # ff/42/01 (ADB) reserved from option


def test_qmi_wwan_interface_number_match() -> None:
    # Compal RXM-G1: QMI_FIXED_INTF entry; the listing binds qmi_wwan there
    device = _corpus("05c6_9091_linux-usb-20230608-compal-rxm-g1.txt")
    active = device.active_config
    assert active is not None
    config = binding.predict(device).config(active.number)
    matched = [i for i in config.interfaces  # type: ignore[union-attr]
               if i.driver == "qmi_wwan" and i.match and "INTERFACE_NUMBER" in i.match.summary]
    assert matched
    for intf in matched:
        listed = active.interface(intf.number, intf.alt)
        assert listed is not None and listed.driver == "qmi_wwan"


def test_qcserial_sierra_layout_and_qdl() -> None:
    em86 = _corpus("1199_90e4_linux-usb-20241106-sierra-wireless-em86xx.txt")
    config = binding.predict(em86).config(em86.active_config.number)  # type: ignore[union-attr]
    first = config.interface(0)  # type: ignore[union-attr]
    assert first is not None and first.driver == "qcserial" and first.rule == "qcprobe"
    qdl = _corpus("1199_90d2_linux-usb-20211007-em9191-qdl.txt")
    config = binding.predict(qdl).config(qdl.active_config.number)  # type: ignore[union-attr]
    assert config.interface(0).driver == "qcserial"  # type: ignore[union-attr]
    assert "QDL" in config.interface(0).reason  # type: ignore[union-attr]


def test_cdc_ether_blacklist_leaves_the_interface() -> None:
    # Huawei E1820: cdc_ether's table carries a driver_info 0 entry for interface 1
    device = _corpus("12d1_14ac_linux-usb-20200411-huawei-e1820.txt")
    config = binding.predict(device).config(1)
    comm = config.interface(1)  # type: ignore[union-attr]
    assert comm is not None
    reasons = dict(comm.rejected)
    assert "blacklisted" in reasons["cdc_ether"]
    # and 6.1's qmi_wwan_probe refuses interface-number matches on non-vendor classes
    assert "interface-number match" in reasons["qmi_wwan"]


# ------------------------------------------------------------------ endpoints missing


def _intf(number: int, cls: int, sub: int, proto: int, eps: int, endpoints=()) -> UsbInterface:
    return UsbInterface(number, 0, cls, sub, proto, None, DriverState.INACTIVE, False, eps, tuple(endpoints))


def test_endpoint_checks_skipped_when_not_shown() -> None:
    # usb-devices style: #EPs known, no E: lines
    config = UsbConfig(1, True, 1, interfaces=(_intf(0, 0xFF, 0x01, 0x07, 3),))
    device = UsbDevice(0x12D1, 0x1573, num_configs=1, configs=(config,))
    qmi = binding.predict(device).config(1).interface(0)  # type: ignore[union-attr]
    assert qmi is not None and qmi.driver == "qmi_wwan"
    assert qmi.skipped_checks


def test_endpoint_checks_apply_when_shown() -> None:
    only_int = (Endpoint(0x81, "in", "interrupt", 16),)
    config = UsbConfig(1, True, 1, interfaces=(_intf(0, 0xFF, 0x01, 0x07, 1, only_int),))
    device = UsbDevice(0x12D1, 0x1573, num_configs=1, configs=(config,))
    qmi = binding.predict(device).config(1).interface(0)  # type: ignore[union-attr]
    assert qmi is not None and qmi.driver is None
    assert "bulk" in qmi.reason


# ------------------------------------------------------------------ usb_choose_configuration


def _config(number: int, *triples, power: int = 500) -> UsbConfig:
    interfaces = tuple(_intf(i, *t, 2) for i, t in enumerate(triples))
    return UsbConfig(number, False, len(interfaces), max_power_ma=power, interfaces=interfaces)


def _choose(*configs: UsbConfig, cls: int = 0) -> object:
    device = UsbDevice(0x1234, 0x5678, cls=cls, num_configs=len(configs), configs=configs, speed="480")
    return binding.usb_choose_configuration(device)[0]


def test_choose_first_non_vendor() -> None:
    assert _choose(_config(1, (0xFF, 1, 1)), _config(2, (2, 6, 0), (0x0A, 0, 0))) == 2


def test_choose_all_vendor_takes_first() -> None:
    assert _choose(_config(1, (0xFF, 1, 1)), _config(2, (0xFF, 2, 2))) == 1


def test_choose_vendor_device_class_takes_first() -> None:
    assert _choose(_config(1, (0xFF, 1, 1)), _config(2, (2, 6, 0)), cls=0xFF) == 1


def test_choose_rndis_first_loses_to_later_ecm() -> None:
    assert _choose(_config(1, (2, 2, 0xFF), (0x0A, 0, 0)), _config(2, (2, 6, 0), (0x0A, 0, 0))) == 2


def test_choose_rndis_first_kept_when_rest_vendor() -> None:
    assert _choose(_config(1, (2, 2, 0xFF), (0x0A, 0, 0)), _config(2, (0xFF, 0xFF, 0xFF))) == 1


def test_choose_skips_configurations_drawing_too_much() -> None:
    assert _choose(_config(1, (2, 6, 0), power=900), _config(2, (0xFF, 1, 1))) == 2


def test_choose_unknown_when_configurations_are_missing() -> None:
    device = UsbDevice(0x1234, 0x5678, num_configs=2, configs=(_config(1, (0xFF, 1, 1)),))
    chosen, rule, reason = binding.usb_choose_configuration(device)
    assert chosen is None and "2 configurations" in reason


# ------------------------------------------------------------------ load order


def test_kmodloader_order_replay() -> None:
    order = binding.kmodloader_order(("usbcore",), ("b_mod", "a-mod", "c"),
                                     {"a-mod": ("c",), "b_mod": (), "c": ()})
    # pass 1 in name order loads b_mod and c (a-mod waits for c), pass 2 loads a-mod
    assert order == ("usbcore", "b_mod", "c", "a-mod")


def test_openwrt_order_puts_class_and_net_drivers_before_option() -> None:
    order = binding.driver_order()
    assert order[0] == "usb-storage"
    assert order.index("cdc_ether") < order.index("option")
    assert order.index("qmi_wwan") < order.index("option")
    assert order.index("cdc_ncm") < order.index("cdc_mbim")
    assert set(order) == set(binding._DRIVER_NAMES)


def test_registration_order_decides_between_accepting_drivers() -> None:
    # option.c's whole-device entry USB_DEVICE(OPTION_VENDOR_ID, OPTION_PRODUCT_COLT) has no
    # RSVD flags, so option would take a CDC ECM control interface too; cdc_ether is
    # registered first on OpenWrt (kmodloader loads it a pass earlier) and wins.
    interfaces = (_intf(0, 0x02, 0x06, 0x00, 1), _intf(1, 0x0A, 0x00, 0x00, 2), _intf(2, 0xFF, 0xFF, 0xFF, 2))
    config = UsbConfig(1, True, 3, interfaces=interfaces)
    device = UsbDevice(0x0AF0, 0x5000, num_configs=1, configs=(config,))
    predicted = binding.predict(device).config(1)
    assert predicted is not None
    ecm = predicted.interface(0)
    assert ecm is not None and ecm.driver == "cdc_ether" and ecm.also_accepted == ("option",)
    assert predicted.interface(1).claimed_by == 0  # type: ignore[union-attr]
    serial = predicted.interface(2)
    assert serial is not None and serial.driver == "option"
    assert serial.match is not None and serial.match.summary == "USB_DEVICE(0x0af0, 0x5000)"


def test_lsusb_verbose_union_is_read_not_guessed() -> None:
    # Cinterion PLSx3 (lsusb -v): four ACM functions and one ECM, each with a CDC Union
    device = _device(FIXTURES / "usb" / "lsusb-v-cinterion-plsx3-linux-usb-20210118.txt", "1e2d:0069")
    config = binding.predict(device).config(1)
    assert config is not None
    assert [config.interface(n).driver for n in range(8)] == ["cdc_acm"] * 8  # type: ignore[union-attr]
    ecm = config.interface(8)
    assert ecm is not None and ecm.driver == "cdc_ether" and "CDC Union descriptor" in ecm.reason
    assert ecm.match is not None and ecm.match.driver_info == "wwan_info"


def test_two_configuration_sierra_prefers_mbim() -> None:
    # Dell DW5570 (lsusb -v, both configurations): Linux picks the MBIM one by itself
    device = _device(FIXTURES / "usb" / "lsusb-v-dell-dw5570-forum-20131006.txt", "413c:81a3")
    prediction = binding.predict(device)
    assert prediction.chosen_config == 2
    assert prediction.config(2).interface(12).driver == "cdc_mbim"  # type: ignore[union-attr]
    assert prediction.config(1).interface(8).driver == "qmi_wwan"  # type: ignore[union-attr]


def test_huawei_vendor_ncm_layouts() -> None:
    bulk = (Endpoint(0x81, "in", "interrupt", 16), Endpoint(0x82, "in", "bulk", 512), Endpoint(0x02, "out", "bulk", 512))
    # one combined ff/02/16 interface (control and data on the same interface)
    combined = UsbConfig(1, True, 2, interfaces=(_intf(0, 0xFF, 0x02, 0x12, 2), _intf(1, 0xFF, 0x02, 0x16, 3, bulk)))
    device = UsbDevice(0x12D1, 0x1506, num_configs=1, configs=(combined,))
    predicted = binding.predict(device).config(1)
    assert predicted.interface(1).driver == "huawei_cdc_ncm"  # type: ignore[union-attr]
    assert predicted.interface(0).driver == "option"  # type: ignore[union-attr]
    # control ff/02/16 with a separate data interface repeating the triple (alt 0 empty, alt 1 bulk)
    data0 = UsbInterface(2, 0, 0xFF, 0x02, 0x16, None, DriverState.INACTIVE, False, 0, ())
    data1 = UsbInterface(2, 1, 0xFF, 0x02, 0x16, None, DriverState.INACTIVE, False, 2, bulk[1:])
    split = UsbConfig(1, True, 3, interfaces=(_intf(0, 0xFF, 0x02, 0x12, 2), _intf(1, 0xFF, 0x02, 0x16, 1, bulk[:1]),
                                              data0, data1))
    device = UsbDevice(0x12D1, 0x1506, num_configs=1, configs=(split,))
    predicted = binding.predict(device).config(1)
    assert predicted.interface(1).driver == "huawei_cdc_ncm"  # type: ignore[union-attr]
    assert predicted.interface(2, 1).claimed_by == 1  # type: ignore[union-attr]


def test_storage_mode_switch_by_usb_storage() -> None:
    # Huawei 12d1:1003 in CD-ROM mode: unusual_devs.h runs usb_stor_huawei_e220_init
    cdrom = UsbConfig(1, True, 1, interfaces=(_intf(0, 0x08, 0x06, 0x50, 2),))
    device = UsbDevice(0x12D1, 0x1003, revision="0.00", num_configs=1, configs=(cdrom,))
    storage = binding.predict(device).config(1).interface(0)  # type: ignore[union-attr]
    assert storage is not None and storage.driver == "usb-storage" and storage.rule == "storage_probe"
    assert "usb_stor_huawei_e220_init" in storage.reason
    assert storage.package == "kmod-usb-storage"


def test_what_binding_creates(mu609: binding.DevicePrediction) -> None:
    config1, config2 = mu609.config(1), mu609.config(2)
    assert config1.interface(5).creates == "wwan%d + /dev/cdc-wdm%d (QMI)"  # type: ignore[union-attr]
    assert config1.interface(0).creates == "ttyUSB%d"  # type: ignore[union-attr]
    # cdc_info is FLAG_ETHER | FLAG_POINTTOPOINT: eth%d, as the thread's dmesg shows (eth1)
    assert config2.interface(0).creates.startswith("eth%d")  # type: ignore[union-attr]


def test_custom_order_and_missing_modules(mu609: binding.DevicePrediction) -> None:
    device = _device(FIXTURES / "usb" / "we826-listing1-L4-78.txt", "12d1:1573")
    # the router of the thread: cdc_ether not loaded -> interfaces 0 and 1 unbound, as listed
    order = tuple(d for d in binding.driver_order() if d != "cdc_ether")
    prediction = binding.predict(device, order=order)
    config = prediction.config(2)
    assert config is not None
    active = device.active_config
    assert active is not None
    for intf in active.interfaces:
        listed = intf.driver if intf.driver_state == DriverState.BOUND else None
        assert config.interface(intf.number, intf.alt).driver == listed  # type: ignore[union-attr]
    with pytest.raises(binding.KnowledgeError):
        binding.predict(device, order=("no_such_driver",))
