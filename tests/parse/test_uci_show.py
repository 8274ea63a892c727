"""The ``uci show`` parser on real output, and its agreement with the file parser."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.parse import uci_config, uci_show

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "uci"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_show_firewall_openwrt_23_05() -> None:
    parsed = uci_show.parse(read("uci_show_firewall_openwrt_23.05.5.txt"))
    assert parsed.unparsed == ()
    firewall = parsed.value.package("firewall")
    assert firewall is not None and len(firewall.sections) == 13
    wan = firewall.section("@zone[1]")
    assert wan is not None and wan.name is None and wan.line == 12
    network = wan.option("network")
    assert network is not None and network.values == ("wan", "wan6") and network.is_list
    assert network.line == 14
    lan = firewall.section("@zone[0]")
    assert lan is not None and lan.get_list("network") == ("lan",)
    icmp = firewall.sections_of("rule")[5].get_list("icmp_type")
    assert len(icmp) == 11 and icmp[0] == "echo-request" and icmp[-1] == "neighbour-advertisement"
    assert wan.ref == "firewall.@zone[1]"


def test_file_and_show_give_the_same_sections() -> None:
    from_file = uci_config.parse(read("firewall4_default_ac35028.conf"), package="firewall").value
    from_show = uci_show.parse(read("uci_show_firewall_openwrt_23.05.5.txt")).value
    file_sections = from_file.sections
    show_sections = from_show.sections
    assert len(file_sections) == len(show_sections) == 13
    differences = []
    for left, right in zip(file_sections, show_sections):
        if left.facts() != right.facts():
            for option in left.options:
                other = right.get_list(option.name)
                if other != option.values:
                    differences.append((left.ref, option.name, option.values, other))
    # The one upstream change between the two firewall4 versions (see SOURCE.md).
    assert differences == [("firewall.@zone[1]", "forward", ("DROP",), ("REJECT",))]
    # Where uci show can tell a list (two or more values), both agree it is one.
    for left, right in zip(file_sections, show_sections):
        for option in right.options:
            if option.is_list:
                assert left.option(option.name).is_list  # type: ignore[union-attr]


def test_show_network_with_prompt_and_lists() -> None:
    parsed = uci_show.parse(read("uci_show_network_k8s_labs.txt"))
    assert parsed.unparsed == ()  # the prompt line is recognised, not junk
    network = parsed.value.package("network")
    assert network is not None
    devices = network.sections_of("device")
    assert [d.index for d in devices] == [0, 1, 2, 3]
    assert devices[0].get_list("ports") == ("lan1", "lan2", "lan3", "lan4", "sfp2")
    assert devices[1].get_list("ports") == ("eth1", "wan")
    wan = network.section("wan")
    assert wan is not None and wan.get("device") == "br-wan" and wan.line == 29
    # named sections are numbered among their type in order, as uci counts @type[i]
    assert network.section("wan6").index == 3  # type: ignore[union-attr]
    assert network.section("@interface[2]") is wan


def test_show_of_several_packages_cut_short() -> None:
    parsed = uci_show.parse(read("uci_show_omr1004_fragment.txt"))
    assert [p.name for p in parsed.value.packages] == ["ucitrack", "uhttpd", "unbound"]
    main = parsed.value.section("uhttpd", "main")
    assert main is not None
    assert main.get_list("listen_http") == ("0.0.0.0:80", "[::]:80")
    assert main.get("lua_prefix") == "/cgi-bin/luci=/usr/lib/lua/luci/sgi/uhttpd.lua"
    assert [(u.line, u.text) for u in parsed.unparsed] == [(40, "unbound")]


def test_value_splitting_follows_uci_show_quoting() -> None:
    # uci show prints ' inside a value as '\'' and separates list items with spaces.
    assert uci_show.split_values("'wan' 'wan6'") == ("wan", "wan6")
    assert uci_show.split_values("'it'\\''s'") == ("it's",)
    assert uci_show.split_values("''") == ("",)
    assert uci_show.split_values("static") == ("static",)  # very old uci: no quotes


def test_uci_x_names_and_a_fragment_that_starts_mid_section() -> None:
    real = read("uci_show_network_k8s_labs.txt")
    # 'uci -X show' names anonymous sections by their internal id instead of @type[i]
    extended = real.replace("network.@device[0]", "network.cfg030f15")
    device = uci_show.parse(extended).value.package("network").sections[2]  # type: ignore[union-attr]
    assert (device.name, device.anonymous_id, device.type) == (None, "cfg030f15", "device")
    assert device.get_list("ports") == ("lan1", "lan2", "lan3", "lan4", "sfp2")
    # a paste that lost the '=device' line still yields the section, typed from its name
    cut = "\n".join(line for line in real.splitlines() if line != "network.@device[1]=device")
    second = uci_show.parse(cut).value.section("network", "@device[1]")
    assert second is not None and second.type == "device" and second.get("name") == "br-wan"


def test_junk_is_unparsed() -> None:
    parsed = uci_show.parse("This is not it.\nnetwork.wan.proto='dhcp\nnetwork.wan=two words\n")
    assert parsed.value.sections == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    uci_show.parse(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=0, max_value=3000))
def test_mutated_real_output_never_raises(cut: int, position: int) -> None:
    text = read("uci_show_firewall_openwrt_23.05.5.txt")
    mutated = text[:position] + "'" + text[position:cut]
    uci_show.parse(mutated)


# ----- both forms of one configuration, generated ------------------------------------

_WORD = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
# Any value uci can hold on one line: quotes, backslashes, spaces, '#', non-ASCII.
_VALUE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)


def _quote(value: str) -> str:
    # How uci export and uci show both print a value (libuci's uci_print_value).
    return "'" + value.replace("'", "'\\''") + "'"


@st.composite
def _configs(draw):  # type: ignore[no-untyped-def]
    sections = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        name = draw(st.one_of(st.none(), _WORD))
        stype = draw(_WORD)
        options = []
        for option in draw(st.lists(_WORD, max_size=4, unique=True)):
            values = draw(st.lists(_VALUE, min_size=1, max_size=3))
            options.append((option, tuple(values), len(values) > 1 or draw(st.booleans())))
        sections.append((name, stype, options))
    names = [s[0] for s in sections if s[0] is not None]
    if len(names) != len(set(names)):
        return None
    return sections


@settings(max_examples=150, deadline=None)
@given(_configs())
def test_export_and_show_of_the_same_config_agree(sections) -> None:  # type: ignore[no-untyped-def]
    if sections is None:
        return
    export = ["package network", ""]
    show = []
    counts: dict = {}
    for name, stype, options in sections:
        index = counts.get(stype, 0)
        counts[stype] = index + 1
        ref = name if name is not None else f"@{stype}[{index}]"
        export.append(f"config {stype}" + (f" {_quote(name)}" if name is not None else ""))
        show.append(f"network.{ref}={stype}")
        for option, values, is_list in options:
            for value in values if is_list else values[:1]:
                export.append(f"\t{'list' if is_list else 'option'} {option} {_quote(value)}")
            shown = values if is_list else values[:1]
            show.append(f"network.{ref}.{option}=" + " ".join(_quote(v) for v in shown))
        export.append("")
    from_file = uci_config.parse("\n".join(export))
    from_show = uci_show.parse("\n".join(show))
    assert from_file.unparsed == () and from_show.unparsed == ()
    assert [s.facts() for s in from_file.value.sections] == [s.facts() for s in from_show.value.sections]


def test_curly_quotes_from_a_forum_are_straightened() -> None:
    real = read("uci_show_network_k8s_labs.txt")
    curled = real.replace("='", "=\u2018").replace("' '", "\u2019 \u2018").replace("'\n", "\u2019\n")
    assert "'" not in curled
    straight = uci_show.parse(real).value
    damaged = uci_show.parse(curled)
    assert damaged.unparsed == ()
    assert [s.facts() for s in damaged.value.sections] == [s.facts() for s in straight.sections]


def test_an_elision_mark_is_a_gap_not_a_broken_line() -> None:
    # A guide shortening real 'uci show network' output: the lan options after 'proto'
    # replaced by an elision mark, as guides write it ('[...]' or '...').
    lines = read("uci_show_network_openwrt_23.05.5.txt").splitlines()
    assert lines[13] == "network.lan.proto='static'"
    whole = uci_show.parse("\n".join(lines)).value
    for mark in ("[...]", "...", "    [ ... ]"):
        parsed = uci_show.parse("\n".join(lines[:14] + [mark] + lines[16:]))
        assert [(u.line, u.reason) for u in parsed.unparsed] == [(15, uci_config.ELIDED)], mark
        lan = parsed.value.package("network").section("lan")
        assert [o.name for o in lan.options] == ["device", "proto", "ip6assign"]
        assert lan.option("ip6assign").line == 16
        assert [s.name for s in parsed.value.packages[0].sections] == [s.name for s in whole.packages[0].sections]
