"""The UCI file parser on real files (see tests/fixtures/uci/SOURCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.errors import InputError
from modem_doctor.model.common import Line, number_lines, to_jsonable
from modem_doctor.parse import parse as registry_parse
from modem_doctor.parse import uci_config

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "uci"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_firewall4_default_file() -> None:
    parsed = uci_config.parse(read("firewall4_default_ac35028.conf"), package="firewall")
    assert parsed.unparsed == ()
    config = parsed.value
    firewall = config.package("firewall")
    assert firewall is not None
    # defaults, 2 zones, 1 forwarding, 9 rules; the commented-out examples are not sections
    assert [s.type for s in firewall.sections].count("rule") == 9
    assert len(firewall.sections) == 13
    wan = firewall.section("@zone[1]")
    assert wan is not None and wan.name is None and wan.index == 1
    assert wan.get("name") == "wan"
    network = wan.option("network")
    assert network is not None and network.is_list and network.values == ("wan", "wan6")
    assert network.line == 18  # first 'list network' line of the file
    assert wan.get("forward") == "DROP"
    assert wan.line == 16
    mld = firewall.sections_of("rule")[4]
    assert mld.get("name") == "Allow-MLD"
    assert mld.get_list("icmp_type") == ("130/0", "131/0", "132/0", "143/0")
    # the bare '*' value and option order are kept
    forward_rule = firewall.sections_of("rule")[6]
    assert forward_rule.get("dest") == "*"
    assert [o.name for o in forward_rule.options][:4] == ["name", "src", "dest", "proto"]
    assert config.get("firewall", "@defaults[0]", "syn_flood") == "1"
    assert config.get("firewall", "@zone[-1]", "name") == "wan"


def test_old_default_network_bare_words() -> None:
    parsed = uci_config.parse(read("base_files_network_276de79.conf"))
    assert parsed.unparsed == ()
    (package,) = parsed.value.packages
    # cat without the command: the file is named from its section types, and says so
    assert package.name == "network" and package.inferred
    assert {s.config for s in package.sections} == {"network"}
    assert [s.name for s in package.sections] == ["loopback", "lan", "wan6", "globals"]
    lan = package.section("lan")
    assert lan is not None
    assert lan.get("type") == "bridge" and lan.get("ip6assign") == "60"
    assert package.get("wan6", "ifname") == "@wan"
    assert package.section("globals").type == "globals"  # type: ignore[union-attr]


def test_forum_paste_with_command_and_cut_last_line() -> None:
    parsed = uci_config.parse(read("network_we826_t2_forum190811.conf"))
    network = parsed.value.package("network")
    assert network is not None and not network.inferred  # named by the 'cat' line above it
    assert len(network.sections) == 12
    modem = network.section("modem")
    assert modem is not None and modem.get("device") == "@wan" and modem.get("proto") == "static"
    bridge = network.sections_of("device")[0]
    assert bridge.name is None and bridge.get("name") == "br-lan"
    assert bridge.option("ports").is_list  # type: ignore[union-attr]
    assert network.sections_of("switch_vlan")[1].get("ports") == "4 6t"
    assert [(u.line, u.text.strip()) for u in parsed.unparsed] == [(57, "option")]


def test_qmi_interface_inside_markdown_backticks() -> None:
    parsed = uci_config.parse(read("network_qmi_luci5283.conf"), package="network")
    assert parsed.unparsed == ()
    skinny = parsed.value.section("network", "skinny")
    assert skinny is not None
    assert skinny.get("proto") == "qmi"
    assert skinny.get("device") == "/dev/cdc-wdm0"
    assert skinny.get("pdptype") == "ipv4"
    assert skinny.get("auto") == "0"  # the closing backtick is not part of the value


def test_ncm_interface_with_dns_list_and_route() -> None:
    parsed = uci_config.parse(read("network_ncm_openwrt10791.conf"))
    assert parsed.unparsed == ()
    (lte, route) = parsed.value.sections
    assert lte.name == "lte" and lte.get("proto") == "ncm" and lte.get("device") == "/dev/ttyUSB1"
    assert lte.get_list("dns") == ("8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844")
    assert route.name is None and route.type == "route" and route.get("interface") == "lte"


def test_tokenizer_follows_libuci_quoting() -> None:
    # libuci's word rules (file.c): quotes join with bare text, backslash escapes, '#' comments.
    assert uci_config.tokenize("\toption proto 'qmi'") == ["option", "proto", "qmi"]
    assert uci_config.tokenize("list dns \"1.1.1.1\"  # upstream") == ["list", "dns", "1.1.1.1"]
    assert uci_config.tokenize("option name 'a'\"b\"c\\ d") == ["option", "name", "abc d"]
    assert uci_config.tokenize("option empty ''") == ["option", "empty", ""]
    assert uci_config.tokenize("# a comment line") == []


def test_export_of_two_packages() -> None:
    # 'uci export' without a name prints every package, each after its 'package' line.
    network = read("export_network_netjsonconfig316.txt")
    firewall = read("firewall4_default_ac35028.conf")
    parsed = uci_config.parse(network + "\npackage firewall\n\n" + firewall)
    assert parsed.unparsed == ()
    assert [(p.name, len(p.sections), p.inferred) for p in parsed.value.packages] == [
        ("network", 2, False),
        ("firewall", 13, False),
    ]
    assert parsed.value.section("firewall", "@zone[1]").get("name") == "wan"  # type: ignore[union-attr]


def test_registry_and_json() -> None:
    parsed = registry_parse("uci_config", read("firewall4_default_ac35028.conf"))
    assert parsed.kind == "uci_config"
    data = json.loads(json.dumps(to_jsonable(parsed)))
    assert data["value"]["packages"][0]["sections"][1]["options"][1] == {
        "name": "network",
        "values": ["lan"],
        "is_list": True,
        "line": 11,
    }


def test_line_numbers_survive_parse_lines() -> None:
    original = read("network_ncm_openwrt10791.conf").splitlines()
    lines = [Line(500 + i, text) for i, text in enumerate(original)]
    parsed = uci_config.parse_lines(lines)
    assert parsed.first_line == 500
    assert parsed.value.sections[0].line == 500
    assert parsed.value.sections[1].option("target").line == 517  # type: ignore[union-attr]


def test_junk_is_unparsed_not_raised() -> None:
    junk = "Hello, I have a problem with my router.\n'unterminated\nconfig\noption only\n\x00\x01"
    parsed = uci_config.parse(junk)
    assert parsed.value.sections == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3, 4, 5]


def test_wrong_input_type_is_input_error() -> None:
    with pytest.raises(InputError):
        uci_config.parse(b"config x")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        uci_config.parse_lines("config x")  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    parsed = uci_config.parse(text)
    seen = {u.line for u in parsed.unparsed}
    assert all(1 <= number <= max(1, len(text.splitlines())) for number in seen)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=4064))
def test_truncated_real_file_never_raises(cut: int) -> None:
    text = read("firewall4_default_ac35028.conf")[:cut]
    parsed = uci_config.parse(text)
    # every section that survives the cut is one of the real file's sections, in order
    full = uci_config.parse(read("firewall4_default_ac35028.conf")).value.sections
    assert len(parsed.value.sections) <= len(full)
    for got, want in zip(parsed.value.sections, full):
        assert got.line == want.line
    # all but the last surviving section are whole; the last may have lost its tail
    for got, want in zip(parsed.value.sections[:-1], full):
        assert got == want


def test_package_name_is_not_guessed_from_ambiguous_types() -> None:
    # 'rule' sections exist in both network and firewall: a paste of only the firewall's
    # rules does not say which file it is, so the name stays unknown.
    real = read("firewall4_default_ac35028.conf").splitlines()
    rules_only = "\n".join(real[28:46])  # the 'Allow-DHCP-Renew' and 'Allow-Ping' rules
    parsed = uci_config.parse(rules_only)
    (package,) = parsed.value.packages
    assert [s.get("name") for s in package.sections] == ["Allow-DHCP-Renew", "Allow-Ping"]
    assert package.name == "" and not package.inferred


def _curl(text: str) -> str:
    """Quotes as forum software shows them: opening and closing curly quotes."""
    out = []
    opening = True
    for char in text:
        if char == "'":
            out.append("\u2018" if opening else "\u2019")
            opening = not opening
        else:
            out.append(char)
    return "".join(out)


def test_curly_quotes_from_a_forum_are_straightened() -> None:
    real = read("network_we826_t2_forum190811.conf")
    straight = uci_config.parse(real)
    curled = uci_config.parse(_curl(real))
    assert [s.facts() for s in curled.value.sections] == [s.facts() for s in straight.value.sections]
    assert curled.value.section("network", "@switch_vlan[0]").get("ports") == "0 1 2 3 6t"  # type: ignore[union-attr]


def test_a_curly_apostrophe_inside_straight_quotes_is_kept() -> None:
    assert uci_config.tokenize("option ssid 'Bob\u2019s WiFi'") == ["option", "ssid", "Bob\u2019s WiFi"]
    parsed = uci_config.parse("config wifi-iface\n\toption ssid 'Bob\u2019s WiFi'\n")
    assert parsed.value.sections[0].get("ssid") == "Bob\u2019s WiFi"


# --- an elision mark inside a pasted file (fixtures in tests/fixtures/rules/net003/SOURCE.md) ---


@pytest.mark.parametrize(
    "name, block, elision",
    [
        ("openwrt-wiki-ecm-usb0-wan-zone.txt", (14, 17), (16, "    [...]")),
        ("readme-4g-qmi-wwan-wan-zone.txt", (17, 20), (19, "       [...]")),
    ],
)
def test_options_after_an_elision_stay_in_their_section(name: str, block: tuple, elision: tuple) -> None:
    # 'config zone / option name 'wan' / [...] / list network 'wwan'': the guide left the
    # zone's other options out; the list after the mark is still the zone's
    text = (FIXTURES.parent / "rules" / "net003" / name).read_text(encoding="utf-8")
    lines = number_lines(text)[block[0] - 1 : block[1]]
    assert lines[0].text.strip() == "config zone"
    parsed = uci_config.parse_lines(lines)
    (zone,) = parsed.value.packages[0].sections
    assert (parsed.value.packages[0].name, zone.type, zone.line) == ("firewall", "zone", block[0])
    assert [(o.name, o.values, o.is_list, o.line) for o in zone.options] == [
        ("name", ("wan",), False, block[0] + 1),
        ("network", ("wwan",), True, block[1]),
    ]
    # the mark is kept, as what it is: a gap in the paste, not a line the parser failed on
    assert [(u.line, u.text, u.reason) for u in parsed.unparsed] == [elision + (uci_config.ELIDED,)]


@pytest.mark.parametrize("mark", ["[...]", "[ ... ]", "...", "....", "\u2026", "[\u2026]"])
def test_elision_marks(mark: str) -> None:
    assert uci_config.ELISION.match(mark) and uci_config.ELISION.match(f"\t{mark}  ")


@pytest.mark.parametrize("text", ["[..]", "..", "option name '...'", "[...] option name wan", "# ..."])
def test_not_elision_marks(text: str) -> None:
    assert not uci_config.ELISION.match(text)


# Options pasted without their 'config' line. The uqmi-no-connect example (LEDE issue 238,
# lines 3-5) gives the body of a qmi interface; the default firewall's Allow-DHCP-Renew rule
# body (lines 33-38 of firewall4_default_ac35028.conf) has 'option proto udp' and must not
# become an interface.

def test_headless_qmi_options_are_an_inferred_interface() -> None:
    from modem_doctor.load import read_example

    lines = number_lines(read_example("uqmi-no-connect"))[2:5]
    assert [line.text for line in lines][0] == "option proto qmi"
    parsed = uci_config.parse_lines(lines)
    assert parsed.unparsed == ()
    (package,) = parsed.value.packages
    assert (package.name, package.inferred) == ("network", True)
    (section,) = package.sections
    assert (section.type, section.name, section.inferred, section.line) == ("interface", None, True, 3)
    assert (section.get("proto"), section.get("apn"), section.get("device")) == ("qmi", "internet", "/dev/cdc-wdm0")
    assert section.ref == "network.@interface[0]"


def test_headless_firewall_rule_body_stays_unparsed() -> None:
    lines = number_lines(read("firewall4_default_ac35028.conf"))[32:38]
    assert lines[2].text.split() == ["option", "proto", "udp"]
    parsed = uci_config.parse_lines(lines)
    assert parsed.value.sections == ()
    assert [u.line for u in parsed.unparsed] == [33, 34, 35, 36, 37, 38]
    assert all(u.reason == "'option' outside any 'config' section" for u in parsed.unparsed)


def test_headless_options_then_a_shown_file_are_two_pastes() -> None:
    # the example's three lines, then the we826 forum paste ('cat /etc/config/network' first):
    # the options are not part of that file, so they keep a package of their own
    from modem_doctor.load import read_example

    text = "\n".join(read_example("uqmi-no-connect").splitlines()[2:5]) + "\n" + read("network_we826_t2_forum190811.conf")
    first, second = uci_config.parse(text).value.packages
    assert (first.name, first.inferred, [s.inferred for s in first.sections]) == ("network", True, [True])
    assert (second.name, second.inferred) == ("network", False)
    assert not any(section.inferred for section in second.sections)
    assert second.sections_of("interface")[0].index == 0
