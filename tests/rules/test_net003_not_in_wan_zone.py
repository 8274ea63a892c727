"""NET003 on real UCI text. A router's network and firewall configuration are pasted
together here from real outputs: the firewall side is OpenWrt's own default (the
`uci show firewall` of a fresh 23.05.5 VM, or firewall4's default file), which is what a
router has until someone adds a zone entry; the network side is a user's or a guide's
modem interface (see tests/fixtures/rules/net003/SOURCE.md)."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net003_not_in_wan_zone import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _run(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "paste.txt"))))


UCI_SHOW_FIREWALL = "root@OpenWrt:~# uci show firewall\n" + _read("uci/uci_show_firewall_openwrt_23.05.5.txt")
DEFAULT_FIREWALL = "root@OpenWrt:~# cat /etc/config/firewall\n" + _read("uci/firewall4_default_ac35028.conf")


def test_fires_for_a_luci_qmi_interface_left_out_of_the_default_wan_zone() -> None:
    text = _read("uci/network_qmi_luci5283.conf") + "\n" + UCI_SHOW_FIREWALL
    (finding,) = _run(text)
    assert finding.code == "NET003" and finding.severity is Severity.ERROR
    assert finding.title == "Cellular interface 'skinny' (proto qmi) is not in the wan firewall zone: it is in no zone"
    texts = [e.text for e in finding.evidence]
    assert texts[0].endswith("config interface 'skinny'") and "option proto 'qmi'" in texts[1]
    assert texts[2] == "firewall.@zone[1].network='wan' 'wan6'"
    assert "The wan zone lists wan, wan6" in finding.why
    assert finding.fix.startswith("uci add_list firewall.@zone[1].network='skinny'")


def test_fires_for_dhcp_on_the_modem_netdev() -> None:
    # a guide's 'wwan' interface: dhcp on wwan0 (an Ericsson F3307's ECM netdev)
    text = _read("pastes/futurepoint-f3307.txt") + "\n" + UCI_SHOW_FIREWALL
    (finding,) = _run(text)
    assert "'wwan' (proto dhcp on the modem's wwan0)" in finding.title
    assert [e.line for e in finding.evidence][:2] == [17, 19]


def test_fires_with_the_default_firewall_file() -> None:
    text = "root@OpenWrt:~# cat /etc/config/network\n" + _read("uci/network_qmi_aligned_luci840.conf") + "\n" + DEFAULT_FIREWALL
    (finding,) = _run(text)
    assert "'wwanx' (proto qmi)" in finding.title
    assert finding.evidence[-1].text.strip() == "list   network  'wan'"


def test_silent_when_the_modem_interface_is_the_wan_zone_member() -> None:
    # the 3G stick configured as 'wan' itself, with the default firewall that lists 'wan'
    text = _read("rules/net003/jedrivisser-nokia-3g-wan.txt") + DEFAULT_FIREWALL
    assert _run(text) == []
    # the same interface renamed: now it fires (the check does look at the list)
    renamed = text.replace("config interface wan", "config interface umts", 1)
    (finding,) = _run(renamed)
    assert "'umts' (proto 3g)" in finding.title


def test_silent_when_the_firewall_is_not_shown() -> None:
    assert _run(_read("uci/network_qmi_luci5283.conf")) == []
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_silent_when_the_wan_zone_was_shown_elided() -> None:
    # guides that write 'config zone / option name wan / [...] / list network wwan'
    assert _run(_read("rules/net003/openwrt-wiki-ecm-usb0-wan-zone.txt")) == []
    assert _run(_read("rules/net003/readme-4g-qmi-wwan-wan-zone.txt")) == []


def test_silent_without_a_modem_interface() -> None:
    text = "root@OpenWrt:~# uci show network\n" + _read("uci/uci_show_network_openwrt_23.05.5.txt") + "\n" + UCI_SHOW_FIREWALL
    assert _run(text) == []


def test_rule_metadata() -> None:
    assert RULE.code == "NET003" and RULE.name == "not-in-wan-zone"
