"""NET001 on real text: two link routes for one /24 on a modem's usb0 and another
uplink (OpenMPTCProuter issue #1517), and a Huawei HiLink stick whose cdc_ether netdev
got 192.168.1.100/24 (an Ubuntu Forums report) next to OpenWrt's default LAN
192.168.1.1/24 (`uci show network` of a fresh 23.05.5 VM) - the classic collision - and
next to a LAN on 192.168.0.1/24 (a ZTE MF286D owner's /etc/config/network), which is fine."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net001_subnet_collision import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _run(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "paste.txt"))))


HILINK = _read("rules/mod002/ubuntuforums-hilink-14dc-ifconfig.txt")
DEFAULT_LAN = "root@OpenWrt:~# uci show network\n" + _read("uci/uci_show_network_openwrt_23.05.5.txt")


def test_two_link_routes_for_one_subnet() -> None:
    (finding,) = _run(_read("rules/net001/github-omr-1517-ip-route-usb0.txt"))
    assert finding.code == "NET001" and finding.severity is Severity.ERROR
    assert finding.title == "The modem's usb0 (route 192.168.10.0/24) is in the same subnet as wan1: 192.168.10.0/24"
    assert [e.line for e in finding.evidence] == [8, 9]
    assert finding.evidence[1].text == "192.168.10.0/24 dev usb0 proto static scope link metric 8"
    assert "Give usb0 and wan1 different subnets" in finding.fix


def test_hilink_stick_inside_the_default_lan() -> None:
    (finding,) = _run(HILINK + "\n" + DEFAULT_LAN)
    assert finding.title == "The modem's eth1 (address 192.168.1.100/24) is in the same subnet as the LAN: 192.168.1.0/24"
    texts = [e.text.strip() for e in finding.evidence]
    assert texts == [
        "network.lan.ipaddr='192.168.1.1'",
        "network.lan.netmask='255.255.255.0'",
        "inet addr:192.168.1.100  Bcast:192.168.1.255  Mask:255.255.255.0",
    ]
    assert "uci set network.lan.ipaddr='192.168.2.1'" in finding.fix


def test_hotspot_fixed_subnet_and_a_host_part_only_lan_change() -> None:
    # forum thread 205256: hotspots "locked ... with LAN sides forced to 192.168.1.x subnet",
    # and the user moved the router from 192.168.1.1 to 192.168.1.8 with sed
    (finding,) = list(check(build_context(load_example("hotspot-subnet"))))
    assert finding.title == "The tethered device's fixed subnet 192.168.1.0/24 is the same as the LAN's: 192.168.1.0/24"
    assert [(e.line, e.text[:20]) for e in finding.evidence] == [(29, "sed -i s/192.168.1.1"), (19, "Started with IP conf")]
    assert "changed only the host part" in finding.why
    assert "192.168.2.1" in finding.fix


def test_silent_on_the_hotspot_thread_before_the_lan_was_shown() -> None:
    # the fixed subnet alone says nothing about the router's LAN
    text = "\n".join(read_example("hotspot-subnet").splitlines()[:28])
    assert _run(text) == []


def test_silent_when_the_lan_is_elsewhere() -> None:
    assert _run(HILINK + "\n" + _read("pastes/forum-188967-mf286d.txt")) == []


def test_silent_without_a_second_subnet_or_without_addresses() -> None:
    assert _run(HILINK) == []  # the stick alone: nothing to collide with
    assert _run(DEFAULT_LAN) == []
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_rule_metadata() -> None:
    assert RULE.code == "NET001" and RULE.name == "subnet-collision"
