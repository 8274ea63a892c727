"""usb-devices listings from the corpus (tests/fixtures/corpus/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.model.usb import DriverState, ListingFormat
from modem_doctor.parse import usb_devices
from modem_doctor.parse._usb_common import detect_usb_format

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "usb-listings"


def _parse(name: str):  # type: ignore[no-untyped-def]
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert detect_usb_format(text) == "usb_devices"
    return usb_devices.parse(text)


def test_hex_interface_numbers_quoted_once() -> None:
    parsed = _parse("1199_90d3_linux-usb-20231013-sierra-em9191-firmware.txt")
    assert [item.text[:2] for item in parsed.unparsed] == ["# "] * 9  # the corpus header only
    (device,) = parsed.value.devices
    assert device.listing_format is ListingFormat.USB_DEVICES
    assert (device.vid_pid, device.path, device.speed) == ("1199:90d3", "8-2", "5000")
    (config,) = device.configs
    assert config.active and config.number == 1 and config.max_power_ma == 896
    assert [(i.number, i.alt, i.triple, i.driver) for i in config.interfaces] == [
        (0, 0, "02/0e/00", "cdc_mbim"),
        (1, 1, "0a/00/02", "cdc_mbim"),
        (3, 0, "ff/ff/40", None),
        (4, 0, "ff/ff/30", "option"),
    ]
    assert config.interface(3).driver_state is DriverState.UNBOUND
    assert all(i.active for i in config.interfaces)  # current altsettings only


def test_double_quoted_decimal_interface_numbers() -> None:
    parsed = _parse("1782_4055_linux-usb-20230417-unisoc-vendor-tozed-2.txt")
    (device,) = parsed.value.devices
    numbers = [i.number for i in device.configs[0].interfaces]
    assert numbers[:3] == [0, 1, 10] and device.configs[0].num_interfaces == 14
    assert device.path == "1-1" and device.serial == "<redacted>"


def test_empty_driver_field_in_the_active_configuration_is_unbound() -> None:
    # old usb-devices printed 'Driver=' empty for an interface nothing claimed
    parsed = _parse("413c_81d7_linux-usb-20200208-re-dw5821e-pre-2.txt")
    (device,) = parsed.value.devices
    assert device.num_configs == 2 and len(device.configs) == 1  # only the active one shown
    config = device.active_config
    assert config is not None and config.number == 1
    assert config.interface(0).driver_state is DriverState.UNBOUND
    assert config.interface(1).driver == "qmi_wwan"
    assert device.path == "1-?.4" and not device.path_exact  # Lev=02, the hub is not shown
