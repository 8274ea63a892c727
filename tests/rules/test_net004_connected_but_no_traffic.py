"""NET004 on real text: public ifstatus/route/ping outputs and captures made on this machine
in a throwaway network namespace (tests/fixtures/rules/net004/SOURCE.md,
tests/fixtures/net/SOURCE.md), pasted together the way a user pastes several outputs."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import RULES
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net004_connected_but_no_traffic import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _run(text: str) -> List[Finding]:
    return list(check(build_context(load_text(text, "paste.txt"))))


# modemmanager interface QUECTEL1, up on wwan0 with 192.0.0.2/27 (cut inside its routes)
QUECTEL1 = _read("rules/net004/ifstatus_quectel1_modemmanager_omr3050_fragment.txt")
# qmi interface sim2, up on wwan0, with empty address lists (a dump fragment)
SIM2 = "root@OpenWrt:~# ubus call network.interface dump\n" + _read("net/ubus_dump_luci3076_qmi_fragment.txt")
DEFAULT_VIA_WWAN0 = "\nroot@OpenWrt:~# ip route\n" + _read("net/ip_route_wwan0_raspap1277.txt")


def test_registered() -> None:
    assert "net004_connected_but_no_traffic" in RULES and RULE.code == "NET004"


def test_silent_when_up_with_address_default_route_and_answered_ping() -> None:
    text = QUECTEL1 + DEFAULT_VIA_WWAN0 + "\n" + _read("rules/net004/ping_ipu_wwan0_wicked940.txt")
    assert _run(text) == []
    # the same with the ping lost: it fires (the ping is read, bound to wwan0 by iputils' own line)
    lost = text.replace("2 packets transmitted, 2 received, 0% packet loss", "2 packets transmitted, 0 received, 100% packet loss")
    (finding,) = _run(lost)
    assert finding.title.startswith("Pings through wwan0 (cellular interface 'QUECTEL1') get no answer from 8.8.8.8")


def test_fires_when_up_without_address() -> None:
    text = SIM2 + "\nroot@OpenWrt:~# ip addr show dev wwan0\n" + _read("rules/net004/ns_ipaddr_noaddr.txt")
    (finding,) = _run(text)
    assert finding.severity is Severity.ERROR
    assert finding.title == "Cellular interface 'sim2' (proto qmi) is up but wwan0 has no IP address"
    assert [e.text.strip() for e in finding.evidence][0] == '"up": true,'
    assert finding.evidence[1].text.startswith("3: wwan0@mdpeer0: <NO-CARRIER")
    assert "sim2_4" in finding.fix


def test_silent_when_only_the_qmi_parent_is_shown() -> None:
    # qmi.sh puts the address on the DHCP sub-interface (sim2_4): an empty parent proves nothing
    assert _run(SIM2) == []
    # with the device's address shown, nothing fires either
    assert _run(SIM2 + "\nroot@OpenWrt:~# ip addr show dev wwan0\n" + _read("rules/net004/ns_ipaddr_addr.txt")) == []


def test_fires_without_any_default_route() -> None:
    text = QUECTEL1 + "\nroot@OpenWrt:~# ip route\n" + _read("rules/net004/ns_iproute_nodefault.txt")
    (finding,) = _run(text)
    assert finding.severity is Severity.ERROR
    assert finding.title == "No default route: nothing leaves through cellular interface 'QUECTEL1' (wwan0)"
    assert finding.evidence[0].text.startswith("192.0.0.0/27 dev wwan0")
    assert "defaultroute='1'" in finding.fix


def test_warns_when_a_lower_metric_default_goes_elsewhere() -> None:
    text = QUECTEL1 + "\nroot@OpenWrt:~# ip route\n" + _read("rules/net004/ns_iproute_lower_elsewhere.txt")
    (finding,) = _run(text)
    assert finding.severity is Severity.WARNING
    assert finding.title == ("The default route goes through eth1 (metric 10), not cellular interface 'QUECTEL1' "
                             "(wwan0, metric 20)")
    assert [e.text.split()[0:3] for e in finding.evidence] == [["default", "via", "10.99.0.254"], ["default", "dev", "wwan0"]]
    assert "metric" in finding.fix


def test_fires_when_dns_fails() -> None:
    text = QUECTEL1 + DEFAULT_VIA_WWAN0 + "\nroot@OpenWrt:~# nslookup openwrt.org\n" + _read("rules/net004/nslookup_timeout_busybox.txt")
    (finding,) = _run(text)
    assert finding.title == ("DNS lookups fail while cellular interface 'QUECTEL1' is up: "
                             "connection timed out; no servers could be reached")
    assert finding.evidence[0].text == ";; connection timed out; no servers could be reached"
    assert "peerdns" in finding.fix
    # an answered lookup is silent
    ok = QUECTEL1 + DEFAULT_VIA_WWAN0 + "\nroot@OpenWrt:~# nslookup openwrt.org\n" + _read("rules/net004/nslookup_ok_busybox.txt")
    assert _run(ok) == []


def test_fires_when_a_bound_ping_is_lost_or_fails() -> None:
    base = QUECTEL1 + DEFAULT_VIA_WWAN0 + "\nroot@OpenWrt:~# ping -c 2 -W 2 -I wwan0 192.0.0.1\n"
    (finding,) = _run(base + _read("rules/net004/ns_ping_bb_wwan0_loss.txt"))
    assert finding.title == "Pings through wwan0 (cellular interface 'QUECTEL1') get no answer from 192.0.0.1: 2 sent, 0 received"
    assert finding.evidence[0].text == "2 packets transmitted, 0 packets received, 100% packet loss"
    (finding,) = _run(base + _read("rules/net004/ping_bb_unreach.txt"))
    assert finding.title.endswith("get no answer from 192.0.2.1: Network is unreachable")
    assert _run(base + _read("rules/net004/ping_bb_ok.txt")) == []  # answered: silent


def test_silent_for_a_ping_not_bound_to_the_modem() -> None:
    text = QUECTEL1 + DEFAULT_VIA_WWAN0 + "\nroot@OpenWrt:~# ping -c 2 -W 2 -I eth0.4 192.0.0.1\n" + _read("rules/net004/ns_ping_bb_wwan0_loss.txt")
    assert _run(text) == []


def test_silent_for_an_interface_that_is_not_cellular() -> None:
    text = ("root@OpenWrt:~# ifstatus ATT\n" + _read("net/ifstatus_att_omr3542_truncated.txt")
            + "\nroot@OpenWrt:~# ping -c 2 -W 2 -I eth0.4 192.0.0.1\n" + _read("rules/net004/ns_ping_bb_wwan0_loss.txt")
            + "\nroot@OpenWrt:~# ip route\n" + _read("rules/net004/ns_iproute_nodefault.txt"))
    assert _run(text) == []
