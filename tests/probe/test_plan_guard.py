"""The read-only guard: what a probe may send, and that every planned command passes it."""

from __future__ import annotations

import pytest

from modem_doctor.errors import ProbeError
from modem_doctor.probe import plan


@pytest.mark.parametrize("vendor", ["", "huawei", "quectel", "sierra"])
def test_every_planned_at_command_is_read_only(vendor):
    for command in plan.at_commands(vendor):
        assert plan.check_at(command) == command


@pytest.mark.parametrize("command", [
    "AT+CFUN=1", "AT+CFUN=1,1", "AT+COPS=0", "AT+COPS=1,2,\"00101\"", "AT+CPIN=1234", "AT+CPIN=\"12345678\",\"1234\"",
    "AT+CGDCONT=1,\"IP\",\"internet\"", "AT+CGACT=1,1", "AT^SETPORT=\"A1,A2;1,16,3,2\"", "AT^RESET",
    "AT+QCFG=\"usbnet\",1", "AT+QCFG=\"nwscanmode\",3", "AT!ENTERCND=\"A710\"", "AT!USBCOMP=1,1,10D",
    "AT+CREG=2", "AT+CMEE=2", "ATZ", "AT&F", "ATE0", "AT^NDISDUP=1,1,\"internet\"", "AT+CPIN?;+CFUN=0",
    "AT+CSQ\rAT+CFUN=0", "ATD*99#", "AT^GETPORTMODE", "AT^SYSCFG=14,2,3FFFFFFF,1,2",
])
def test_state_changing_commands_are_refused(command):
    with pytest.raises(ProbeError, match="refusing"):
        plan.check_at(command)


def test_cmee_only_when_the_caller_restores_it():
    with pytest.raises(ProbeError):
        plan.check_at("AT+CMEE=2")
    assert plan.check_at("AT+CMEE=2", restoring=True) == "AT+CMEE=2"
    with pytest.raises(ProbeError):
        plan.check_at("AT+CFUN=0", restoring=True)


@pytest.mark.parametrize("tool,options", [("qmicli", plan.QMICLI), ("uqmi", plan.UQMI),
                                          ("mbimcli", plan.MBIMCLI), ("umbim", plan.UMBIM)])
def test_every_planned_tool_option_is_read_only(tool, options):
    for option in options:
        assert plan.check_tool_args(tool, option) == option


@pytest.mark.parametrize("tool,option", [
    ("qmicli", "--wds-start-network=apn=internet"), ("qmicli", "--dms-set-operating-mode=reset"),
    ("qmicli", "--uim-verify-pin=PIN1,1234"), ("qmicli", "--wda-set-data-format=link-layer-protocol=raw-ip"),
    ("uqmi", "--start-network"), ("uqmi", "--verify-pin1"), ("uqmi", "--set-network-modes"),
    ("mbimcli", "--connect=apn=internet"), ("mbimcli", "--enter-pin=1234"), ("umbim", "connect"), ("umbim", "unlock"),
])
def test_state_changing_tool_options_are_refused(tool, option):
    with pytest.raises(ProbeError, match="refusing"):
        plan.check_tool_args(tool, option)


def test_vendor_from_usb_id_or_ati():
    assert plan.vendor_of("12d1") == "huawei"
    assert plan.vendor_of("2C7C") == "quectel"
    assert plan.vendor_of(None, "Manufacturer: QUECTEL\nModel: EC25") == "quectel"
    assert plan.vendor_of(None, "") == ""
