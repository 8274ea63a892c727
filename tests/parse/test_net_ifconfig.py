"""``ifconfig`` parser on real BusyBox and net-tools output."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.parse import ifconfig

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "net"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_busybox_ifconfig() -> None:
    parsed = ifconfig.parse(read("busybox_ifconfig_a_host.txt"))
    assert parsed.unparsed == ()
    interfaces = parsed.value.interfaces
    assert [i.name for i in interfaces] == ["eth0", "ifb0", "ifb1", "lo"]
    eth0 = interfaces[0]
    assert (eth0.source, eth0.link_type, eth0.mac, eth0.mtu) == ("ifconfig-busybox", "Ethernet", "02:fc:00:00:00:01", 1400)
    assert eth0.flags == ("UP", "BROADCAST", "RUNNING", "MULTICAST") and eth0.is_up and eth0.has_carrier
    assert [(a.cidr, a.broadcast, a.scope) for a in eth0.addresses] == [
        ("192.0.2.2/24", "192.0.2.255", ""),
        ("fe80::fc:ff:fe00:1/64", "", "link"),
        ("fd00::2/64", "", "global"),
    ]
    assert (eth0.rx_bytes, eth0.tx_bytes, eth0.line, eth0.last_line) == (13898333, 34578, 1, 9)
    ifb0 = interfaces[1]
    assert not ifb0.is_up and ifb0.has_carrier is False
    lo = interfaces[3]
    assert lo.link_type == "Local Loopback" and lo.addresses[0].cidr == "127.0.0.1/8"


def test_nettools_ifconfig_matches_busybox() -> None:
    new = ifconfig.parse(read("nettools_ifconfig_a_host.txt"))
    old = ifconfig.parse(read("busybox_ifconfig_a_host.txt"))
    assert new.unparsed == ()
    for fresh, classic in zip(new.value.interfaces, old.value.interfaces):
        assert fresh.source == "ifconfig-nettools"
        assert (fresh.name, fresh.mac, fresh.mtu, fresh.flags) == (classic.name, classic.mac, classic.mtu, classic.flags)
        assert [a.cidr for a in fresh.addresses] == [a.cidr for a in classic.addresses]
    assert new.value.interfaces[0].link_type == "Ethernet"


def test_qmi_wwan0_unspec_cut_short() -> None:
    parsed = ifconfig.parse(read("ifconfig_wwan0_omr598_fragment.txt"))
    assert parsed.unparsed == ()
    (wwan0,) = parsed.value.interfaces
    assert wwan0.link_type == "UNSPEC" and wwan0.mac.startswith("00-00-00")
    (address,) = wwan0.addresses
    assert address.address == "10.181.170.239" and address.peer == ""  # 'P-t-P:10.' was cut


def test_ppp0_point_to_point_and_collapsed_spaces() -> None:
    text = read("ppp0_android_mail_ifconfig.txt")
    for variant in (text, "\n".join(" ".join(line.split()) for line in text.splitlines())):
        parsed = ifconfig.parse(variant)
        assert parsed.unparsed == ()
        (ppp,) = parsed.value.interfaces
        assert ppp.name == "ppp0" and ppp.link_type == "Point-to-Point Protocol" and ppp.mac == ""
        (address,) = ppp.addresses
        assert (address.address, address.peer, address.prefix) == ("10.0.0.2", "10.0.0.1", 32)
        assert "POINTOPOINT" in ppp.flags and ppp.has_carrier
        assert (ppp.rx_bytes, ppp.tx_bytes) == (17453623, 11539856)  # no '(16.6 MiB)' here


def test_junk_is_unparsed() -> None:
    parsed = ifconfig.parse("ifconfig: wwan0: error fetching interface information: Device not found\nfoo bar\n")
    assert parsed.value.interfaces == ()
    assert [u.line for u in parsed.unparsed] == [1, 2]
