"""``ip addr`` / ``ip link`` parser on real output (see tests/fixtures/net/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.model.common import Line
from modem_doctor.parse import ip_addr

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "net"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_iproute2_ip_addr() -> None:
    parsed = ip_addr.parse(read("ip_addr_host.txt"))
    assert parsed.unparsed == ()
    value = parsed.value
    assert [i.name for i in value.interfaces] == ["lo", "ifb0", "ifb1", "eth0"]
    eth0 = value.interface("eth0")
    assert eth0 is not None
    assert (eth0.index, eth0.mtu, eth0.state, eth0.qdisc) == (4, 1400, "UP", "pfifo_fast")
    assert eth0.flags == ("BROADCAST", "MULTICAST", "UP", "LOWER_UP")
    assert eth0.is_up and eth0.has_carrier
    assert (eth0.link_type, eth0.mac) == ("ether", "02:fc:00:00:00:01")
    (v4,) = eth0.ipv4
    assert (v4.cidr, v4.broadcast, v4.scope, v4.label, v4.line) == ("192.0.2.2/24", "192.0.2.255", "global", "eth0", 13)
    assert [(a.cidr, a.scope, a.flags) for a in eth0.ipv6] == [
        ("fd00::2/64", "global", ("nodad",)),
        ("fe80::fc:ff:fe00:1/64", "link", ()),
    ]
    ifb0 = value.interface("ifb0")
    assert ifb0 is not None and not ifb0.is_up and ifb0.state == "DOWN" and ifb0.addresses == ()
    assert (eth0.line, eth0.last_line) == (11, 18)


def test_busybox_ip_addr_like_openwrt() -> None:
    parsed = ip_addr.parse(read("busybox_ip_addr_host.txt"))
    assert parsed.unparsed == ()
    eth0 = parsed.value.interface("eth0")
    assert eth0 is not None and eth0.state == "" and eth0.mtu == 1400  # BusyBox prints no state
    assert eth0.ipv6[0].flags == ("flags 02",)
    assert [a.cidr for a in eth0.addresses] == ["192.0.2.2/24", "fd00::2/64", "fe80::fc:ff:fe00:1/64"]


def test_oneline_statistics_and_family_forms_agree() -> None:
    full = ip_addr.parse(read("ip_addr_host.txt")).value
    oneline = ip_addr.parse(read("ip_o_addr_host.txt"))
    assert oneline.unparsed == ()
    for name in ("lo", "eth0"):
        assert [a.cidr for a in oneline.value.interface(name).addresses] == [  # type: ignore[union-attr]
            a.cidr for a in full.interface(name).addresses  # type: ignore[union-attr]
        ]
    links = ip_addr.parse(read("ip_o_link_host.txt")).value
    assert links.interface("eth0").mac == "02:fc:00:00:00:01"  # type: ignore[union-attr]
    stats = ip_addr.parse(read("ip_s_link_host.txt"))
    assert stats.unparsed == ()
    eth0 = stats.value.interface("eth0")
    assert eth0 is not None and (eth0.rx_bytes, eth0.tx_bytes) == (249938720, 241413)
    only6 = ip_addr.parse(read("ip6_addr_host.txt")).value
    assert only6.interface("eth0").ipv4 == ()  # type: ignore[union-attr]


def test_brief_forms() -> None:
    addr = ip_addr.parse(read("ip_br_addr_host.txt"))
    assert addr.unparsed == ()
    eth0 = addr.value.interface("eth0")
    assert eth0 is not None and eth0.source == "ip-brief" and eth0.state == "UP" and eth0.is_up
    assert [a.cidr for a in eth0.addresses] == ["192.0.2.2/24", "fd00::2/64", "fe80::fc:ff:fe00:1/64"]
    link = ip_addr.parse(read("ip_br_link_host.txt"))
    lo = link.value.interface("lo")
    assert lo is not None and lo.mac == "00:00:00:00:00:00" and lo.flags == ("LOOPBACK", "UP", "LOWER_UP")
    ifb1 = link.value.interface("ifb1")
    assert ifb1 is not None and not ifb1.is_up and ifb1.has_carrier is False


def test_openwrt_ip_link_show() -> None:
    parsed = ip_addr.parse(read("ip_link_show_openwrt_nss64_fragment.txt"))
    assert parsed.unparsed == ()
    value = parsed.value
    assert len(value.interfaces) == 7
    lan3 = value.interface("lan3")
    assert lan3 is not None and lan3.master == "br-lan" and lan3.has_carrier is False and lan3.is_up
    assert value.interface("miireg").link_type == "netrom"  # type: ignore[union-attr]
    assert value.interface("wan").state == "DOWN"  # type: ignore[union-attr]


def test_raw_ip_wwan0_with_fence_and_cut_line() -> None:
    parsed = ip_addr.parse(read("ip_addr_wwan0_xmm7360_145_fragment.txt"))
    (wwan0,) = parsed.value.interfaces
    assert wwan0.name == "wwan0" and wwan0.index == 4
    assert wwan0.flags == ("POINTOPOINT", "MULTICAST", "UP", "LOWER_UP")
    assert (wwan0.link_type, wwan0.mac) == ("none", "")
    assert [a.cidr for a in wwan0.ipv6] == ["2001:ffff::ffff/64", "fe80::e852:5eba:a2a:c2e0/64"]
    assert wwan0.ipv6[0].flags == ("mngtmpaddr", "noprefixroute", "stable-privacy")
    assert [u.line for u in parsed.unparsed] == [6]  # 'preferred_' cut short


def test_stacked_devices_name_their_parent() -> None:
    (macvlan,) = ip_addr.parse(read("ip_addr_macvlan_host.txt")).value.interfaces
    assert (macvlan.name, macvlan.parent, macvlan.index, macvlan.state) == ("mdtest0", "eth0", 5, "DOWN")
    (brief,) = ip_addr.parse(read("ip_br_link_macvlan_host.txt")).value.interfaces
    assert (brief.name, brief.parent, brief.mac) == ("mdtest0", "eth0", "c6:55:15:61:1c:2d")
    (bare,) = ip_addr.parse(read("ip_br_addr_macvlan_host.txt")).value.interfaces
    assert (bare.name, bare.state, bare.addresses) == ("mdtest0", "DOWN", ())
    (veth,) = ip_addr.parse(read("ip_link_veth_host.txt")).value.interfaces
    assert (veth.name, veth.parent, veth.flags) == ("mdveth0", "mdveth1", ("BROADCAST", "MULTICAST", "M-DOWN"))


def test_indentation_lost_and_original_line_numbers() -> None:
    raw = read("busybox_ip_addr_host.txt").splitlines()
    lines = [Line(200 + i, text.strip()) for i, text in enumerate(raw)]
    parsed = ip_addr.parse_lines(lines)
    assert parsed.unparsed == ()
    eth0 = parsed.value.interface("eth0")
    assert eth0 is not None and eth0.line == 200 + 10 and eth0.ipv4[0].line == 200 + 12
    assert eth0.ipv4[0].label == "eth0"


def test_junk_is_unparsed() -> None:
    parsed = ip_addr.parse('Device "wwan0" does not exist.\nhello world\n4: not a header\n')
    assert parsed.value.interfaces == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3]


def test_header_wrapped_by_a_mail_client_and_ppp_peer() -> None:
    parsed = ip_addr.parse(read("ppp0_android_mail_ip_addr.txt"))
    assert parsed.unparsed == ()
    (ppp0,) = parsed.value.interfaces
    assert (ppp0.index, ppp0.mtu, ppp0.qdisc, ppp0.state, ppp0.link_type) == (72, 1500, "pfifo_fast", "UNKNOWN", "ppp")
    (address,) = ppp0.addresses
    assert (address.address, address.peer, address.prefix, address.label, address.line) == ("10.0.0.2", "10.0.0.1", 32, "ppp0", 5)
    assert (ppp0.line, ppp0.last_line) == (2, 6)
