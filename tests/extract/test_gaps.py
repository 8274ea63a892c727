"""Outputs the extractor used to miss or misfile, found by the rule and parser work, each
read from real text: old-style quoted UCI, logread quoted without its date, UCI options
after a '[...]' elision, dmesg's -T -d, delta and reltime stamps, an ISO-stamped dmesg
pasted right after logread, 'route -n' tables, and ubus's own options before 'call'."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from paste_damage import DAMAGES

from modem_doctor.extract import extract
from modem_doctor.extract.commands import kind_for_command, read_bare
from modem_doctor.load import load_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _read(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def _blocks(text: str) -> List[Tuple[str, int, int]]:
    return [(block.kind, block.first_line, block.last_line) for block in extract(text, "t").blocks]


# --- UCI -----------------------------------------------------------------------------


def test_old_style_quoted_uci_after_its_command():
    # forum.archive.openwrt.org 31123 (2011): "config 'interface' 'wan'" / "option 'proto' '3g'"
    text = _read("rules/net003/forum-31123-3g-wan-ttyusb0.txt")
    (block,) = extract(text, "t").blocks
    assert (block.kind, block.first_line, block.last_line) == ("uci_config", 3, 8)
    assert block.command == "cat /etc/config/network | grep \"'wan'\" -A 5" and block.by_command
    host = load_text(text, "t")
    (found,) = host.uci
    (section,) = found.value.packages[0].sections
    assert (section.type, section.name) == ("interface", "wan")
    assert [option.name for option in section.options] == ["proto", "service", "apn", "pincode"]


def test_old_style_quoted_uci_from_its_content_alone():
    lines = _read("rules/net003/forum-31123-3g-wan-ttyusb0.txt").splitlines()
    text = "\n".join(lines[:1] + lines[2:])  # the prompt line left out
    assert _blocks(text) == [("uci_config", 2, 7)]


@pytest.mark.parametrize(
    "path, second",
    [
        ("rules/net003/openwrt-wiki-ecm-usb0-wan-zone.txt", (14, 17)),
        ("rules/net003/readme-4g-qmi-wwan-wan-zone.txt", (17, 20)),
    ],
)
def test_uci_list_after_an_elision_stays_in_its_section(path: str, second: Tuple[int, int]):
    # "config zone / option name 'wan' / [...] / list network 'wwan'"
    text = _read(path)
    blocks = _blocks(text)
    assert [kind for kind, _, _ in blocks] == ["uci_config", "uci_config"]
    assert blocks[1][1:] == second
    zone = load_text(text, "t").uci[1].value.packages[0].sections[0]
    assert zone.type == "zone"
    assert [(option.name, option.values, option.is_list) for option in zone.options] == [
        ("name", ("wan",), False),
        ("network", ("wwan",), True),
    ]


def test_an_elision_in_prose_is_no_uci():
    assert _blocks("Here is the config:\n[...]\nand then it fails.") == []


# --- logs ----------------------------------------------------------------------------


def test_logread_quoted_without_its_date():
    # nblock.org's comgt write-up quotes logread as 'daemon.notice pppd[9626]: Modem hangup'
    text = _read("rules/net005/nblock-logread-comgt-cannot-write.txt")
    assert _blocks(text) == [("logread", 1, 10)]
    lines = text.splitlines()
    assert _blocks("This is what logread shows:\n" + "\n".join(lines[:6])) == [("logread", 2, 7)]


def test_a_sentence_naming_a_facility_is_no_log():
    assert _blocks("The daemon.notice lines are from netifd: see above.") == []


@pytest.mark.parametrize("name", ["host-dmesg-T-d.txt", "host-dmesg-delta.txt", "host-dmesg-e.txt"])
def test_dmesg_stamp_formats(name: str):
    text = _read(f"pastes/{name}")
    assert _blocks(text) == [("dmesg", 1, 40)]
    # an excerpt from the middle, after a prompt, as users paste a grep of it
    lines = text.splitlines()
    pasted = "root@host:~# dmesg | tail\n" + "\n".join(lines[20:30]) + "\nThat is all."
    (block,) = extract(pasted, "t").blocks
    assert (block.kind, block.first_line, block.last_line, block.by_command) == ("dmesg", 2, 11, True)
    for damage in ("collapse_whitespace", "mail_quote", "wrap_72", "everything"):
        assert [kind for kind, _, _ in _blocks(DAMAGES[damage](text))] == ["dmesg"], damage


def test_iso_stamped_dmesg_right_after_logread_is_a_dmesg_block():
    logread = [line for line in _read("pastes/forum-14926-ec25e.txt").splitlines() if "daemon.notice" in line][:4]
    # 'Zone ranges:' and 'node 0: [mem ...]' look like syslog's 'host program:' after the stamp
    dmesg = _read("log/host-dmesg-iso.txt").splitlines()[39:60]
    assert dmesg[0].endswith("Zone ranges:")
    assert _blocks("\n".join(logread + dmesg)) == [("logread", 1, 4), ("dmesg", 5, 25)]


# --- route -n and ubus -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, last", [("net/route_n_nettools_host.txt", 4), ("net/route_n_busybox_host.txt", 4), ("net/route6_n_nettools_host.txt", 10)]
)
def test_route_n_tables_are_ip_route(path: str, last: int):
    text = _read(path)
    assert _blocks(text) == [("ip_route", 1, last)]
    (block,) = extract("root@OpenWrt:~# route -n\n" + text, "t").blocks
    assert (block.kind, block.command, block.by_command) == ("ip_route", "route -n", True)
    (found,) = load_text(text, "t").network
    assert len(found.value.routes) == last - 2


def test_route_n_in_a_forum_dump_of_several_outputs():
    # ubuntuforums: '##### route ####' then the table, after ifconfig
    text = _read("rules/mod002/ubuntuforums-hilink-14dc-ifconfig.txt")
    assert _blocks(text)[-1] == ("ip_route", 56, 59)
    routes = load_text(text, "t").network[-1].value.routes
    assert [(route.destination, route.via, route.dev) for route in routes] == [
        ("default", "192.168.1.1", "eth1"),
        ("192.168.1.0/24", "", "eth1"),
    ]


def test_route_commands():
    assert kind_for_command("route -n") == "ip_route"
    assert kind_for_command("route -A inet6 -n") == "ip_route"
    assert read_bare("route -n") is not None
    assert read_bare("route") is None  # a word in prose, not a command
    assert kind_for_command("route add default gw 192.168.1.1") is None


@pytest.mark.parametrize(
    "command, kind",
    [
        # as OpenWrt's own scripts run them (mwan3, travelmate, luci-app helpers)
        ("ubus -S call network.interface.wan status", "ifstatus"),
        ("ubus -S call network.interface dump", "ifstatus"),
        ("ubus call network.interface dump", "ifstatus"),
        ("ubus -S call system board", "ubus_board"),
        ("ubus -t 5 call system board", "ubus_board"),
        ("ubus -S call network.wireless status", None),
    ],
)
def test_ubus_commands(command: str, kind: str):
    assert kind_for_command(command) == kind
    assert read_bare(command) is not None


def test_interface_dump_is_told_by_its_command():
    text = _read("net/ubus_dump_luci3076_fragment.txt")
    assert text.startswith("root@OpenWrt:~# ubus call network.interface dump\n")
    (block,) = extract(text, "t").blocks
    assert (block.kind, block.by_command) == ("ifstatus", True)
    (block,) = extract(text.replace("ubus call", "ubus -S call", 1), "t").blocks
    assert (block.kind, block.command, block.by_command) == ("ifstatus", "ubus -S call network.interface dump", True)
