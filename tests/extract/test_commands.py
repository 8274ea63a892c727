"""Commands in pasted text: with a prompt, bare, and prose that only mentions one. Every line
here is taken from the real posts in fixtures/pastes."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from modem_doctor.extract import extract
from modem_doctor.extract.commands import kind_for_command, read_bare, read_prompt, split_glued_prompt

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes"


@pytest.mark.parametrize(
    "line, command",
    [
        ("root@OpenWrt:~# cat /sys/kernel/debug/usb/devices", "cat /sys/kernel/debug/usb/devices"),
        ("root@OpenWrt:~# echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue", "echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue"),
        ("root@OpenWrt:~# run dmesg | grep cdc_ether", "run dmesg | grep cdc_ether"),
        ("root@OpenWrt:~# ls -l /dev/cdc-wdm0", "ls -l /dev/cdc-wdm0"),
        ("GL:root:~:# opkg install netifyd", None),  # not a user@host prompt: not taken blindly
        ("# ifstatus moooc1", "ifstatus moooc1"),
        ("# lsusb -t", "lsusb -t"),
        ("$ wget --quiet http://downloads.openwrt.org/kamikaze/8.09.1/brcm-2.4/openwrt-brcm-2.4-squashfs.trx", None),
        ("# UNCOMMENT THE NEXT LINE IF YOU HAVE A SIM PIN", None),
    ],
)
def test_prompts(line: str, command: Optional[str]) -> None:
    found = read_prompt(line)
    assert (found.text if found else None) == command
    if found:
        assert found.prompt_shown


def test_prompt_alone_or_interrupted_ends_a_block_but_is_no_command() -> None:
    found = read_prompt("root@OpenWrt:~# ^C")
    assert found is not None and found.text == ""


@pytest.mark.parametrize(
    "line, is_command",
    [
        ("cat /sys/kernel/debug/usb/devices", True),
        ("dmesg | grep cdc_ether", True),
        ("echo 0 > /sys/bus/usb/devices/1-1.2/bConfigurationValue", True),
        ("cat /etc/config/network", True),
        ("opkg install comgt kmod-usb-serial kmod-usb-serial-option kmod-usb-serial-wwan usb-modeswitch usb-modeswitch-data", True),
        ("uqmi -d /dev/cdc-wdm0 --get-data-status", True),
        ("opkg update", True),
        # prose that mentions commands
        ("Please run dmesg | grep cdc_ether", False),
        ("Then re-read cat /sys/kernel/debug/usb/devices", False),
        ("Just ''dmesg | grep cdc_ether\" . Without the \"run\".", False),
        ("Install these packages should be enough, but in order to make it easier, we can also install luci-proto-3g, so we can setup in luci web interface.", False),
        ("returns \"disconnected\"", False),
        ("Image", False),
    ],
)
def test_bare_commands(line: str, is_command: bool) -> None:
    assert (read_bare(line) is not None) is is_command


@pytest.mark.parametrize(
    "command, kind",
    [
        ("cat /sys/kernel/debug/usb/devices", "usb_debugfs"),
        ("cat /proc/bus/usb/devices", "usb_debugfs"),
        ("usb-devices", "usb_devices"),
        ("lsusb", "lsusb"),
        ("lsusb -t", "lsusb_tree"),
        ("lsusb -v", "lsusb_verbose"),
        ("dmesg | grep cdc_ether", "dmesg"),
        ("logread | grep -i qmi", "logread"),
        ("opkg list-installed", "opkg_list"),
        ("opkg update && opkg install kmod-usb-serial", "opkg_errors"),
        ("apk list --installed", "apk_list"),
        ("apk add -v kmod-ath9k-6.6.69.6.12.6-r1.apk", "opkg_errors"),
        ("cat /etc/config/network", "uci_config"),
        ("uci export network", "uci_config"),
        ("uci show network", "uci_show"),
        ("cat /etc/openwrt_release", "openwrt_release"),
        ("ubus call system board", "ubus_board"),
        ("uname -a", "uname"),
        ("ip addr", "ip_addr"),
        ("ip -br link", "ip_addr"),
        ("ip route", "ip_route"),
        ("ifconfig", "ifconfig"),
        ("ifstatus wan", "ifstatus"),
        ("ubus call network.interface.wan status", "ifstatus"),
        ("ls /dev | grep ttyUSB", "ls_dev"),
        ("ls -l /sys/class/net/", "ls_dev"),
        ("echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue", None),
        ("mmcli -L", None),
    ],
)
def test_kind_for_command(command: str, kind: Optional[str]) -> None:
    assert kind_for_command(command) == kind


def test_prompt_glued_to_the_last_output_line() -> None:
    """Output without a final newline leaves the next prompt on its last line."""
    line = "E: Ad=81(I) Atr=03(Int.) MxPS= 2 Ivl=255msroot@OpenWrt:~# cat /sys/kernel/debug/usb/devices"
    assert split_glued_prompt(line) == (
        "E: Ad=81(I) Atr=03(Int.) MxPS= 2 Ivl=255ms",
        "root@OpenWrt:~# cat /sys/kernel/debug/usb/devices",
    )
    # a prompt at the start of a line is not split
    assert split_glued_prompt("root@OpenWrt:~# dmesg") == ("root@OpenWrt:~# dmesg",)


def test_glued_prompts_in_the_case_thread() -> None:
    """The case thread with the first listing's last line glued to a prompt (taken from
    line 184), as a terminal shows it when output has no final newline."""
    lines = (PASTES / "we826-mu609.txt").read_text(encoding="utf-8").splitlines()
    glued = lines[:77] + [lines[77] + lines[183]] + lines[78:]
    extraction = extract("\n".join(glued), "t")
    first = extraction.blocks[0]
    assert (first.kind, first.first_line, first.last_line) == ("usb_debugfs", 4, 78)
    assert first.lines[-1].text == "E: Ad=81(I) Atr=03(Int.) MxPS= 2 Ivl=255ms"
    assert [(c.line, c.text, c.prompt_shown) for c in extraction.commands][:2] == [
        (3, "cat /sys/kernel/debug/usb/devices", True),
        (78, "cat /sys/kernel/debug/usb/devices", True),
    ]
    assert len(extraction.blocks) == 4


def test_several_prompts_glued_on_one_line() -> None:
    line = "root@OpenWrt:~# echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValueroot@OpenWrt:~# ^Croot@OpenWrt:~# dmesg"
    assert split_glued_prompt(line) == (
        "root@OpenWrt:~# echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue",
        "root@OpenWrt:~# ^C",
        "root@OpenWrt:~# dmesg",
    )
