"""What users only say in words, read from real posts (fixtures/pastes/SOURCE.md): the facts
that are there, and, as important, none that are not (advice, questions, negations)."""

from __future__ import annotations

from pathlib import Path
from typing import Set, Tuple

import pytest

from modem_doctor.extract import extract
from modem_doctor.extract.statements import extract_statements
from modem_doctor.model.common import Line

PASTES = Path(__file__).resolve().parents[1] / "fixtures" / "pastes"


def _facts(name: str) -> Set[Tuple[str, str, int]]:
    text = (PASTES / name).read_text(encoding="utf-8")
    return {(fact.kind, fact.value, fact.line) for fact in extract(text, name).facts}


EXPECTED = {
    "we826-mu609.txt": {
        ("package_installed", "kmod-usb-net-cdc-ether", 81),
        ("modem_model", "MU609", 86),
        ("reboot_reverts", "yes", 265),
        ("router_model", "zbtlink,zbt-we826-32m", 2),  # 'ZBT WE826-32M - need help ...'
        ("asks_image", "yes", 1),  # '... I have no idea on building my own image, if there is a link ...'
    },
    "forum-190811-we826-t2.txt": {("sim_pin", "none", 5), ("package_installed", "modemmanager", 10)},
    "forum-188967-mf286d.txt": {
        ("router_model", "zte,mf286d", 1),
        ("router_model", "zte,mf286d", 3),
        ("modem_model", "MF286D", 1),
        ("modem_model", "MF286D", 3),
        ("openwrt_release", "23.05.2", 3),
    },
    "forum-175362-mf286d.txt": {
        ("modem_model", "MF286D", 2),
        ("modem_model", "MF286D", 3),
        ("openwrt_release", "23.05.0", 4),
        ("openwrt_release", "22.03.5", 4),  # 'then reverted to': both are said
        ("modem_model", "MF286D", 13),
    },
    "forum-14926-ec25e.txt": {("modem_model", "EC25-E", 3)},
    "forum-26730-mdm9200.txt": {("openwrt_release", "15.05.1", 3)},
    "forum-248352-rm500u.txt": {
        ("modem_model", "RM500U-EA", 5),
        ("modem_model", "RM500U-EA", 22),  # the output line of 'mmcli -L' that is no parsed block
    },
    "forum-178738-p2-mu609.txt": {("modem_model", "MU609", 19), ("router_model", "zbtlink,zbt-we826-32m", 1)},
    "wirelessjoint-lm960.txt": {
        ("modem_model", "LM960", 17),
        ("modem_model", "LM960", 19),
        ("apn", "fast.t-mobile.com", 23),
    },
    "blog-ibd-usb881.txt": {
        ("only_uplink", "yes", 3),  # 'there is no Cable Modem service or DSL in my neighborhood'
        ("only_uplink", "yes", 5),  # 'the only way I've been able to have an Internet connection'
        ("openwrt_release", "8.09", 9),  # 'OpenWrt (Kamikaze 8.09)'
    },
    "twblogs-e220.txt": {
        ("modem_model", "E220", 7),
        ("openwrt_release", "8.09.1", 7),
        ("openwrt_release", "8.09.1", 19),
    },
    # Advice and how-tos state nothing about the user's host:
    # 'Install this packages kmod-usb-net-cdc-ether usb-modeswitch', 'set up the APN by running ...'
    "forum-171787-fibocom.txt": set(),
    # 'change the telstra.internet apn to whatever', '# UNCOMMENT THE NEXT LINE IF YOU HAVE A SIM PIN'
    "futurepoint-f3307.txt": set(),
    # 'I added usb-modeswitch, kmod-mii, ...' is about a build, and 'v21.02.3' is not said to be OpenWrt
    "developerload-slm730.txt": set(),
    # '... I thought ... meant there was no PIN set on the SIM, when I was sure I had set a PIN':
    # beliefs, not a state; and 'changed the pin first to 1234' is not the PIN in use
    "quectel-36169-rm502q-pin.txt": set(),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stated_facts_in_real_posts(name: str) -> None:
    assert _facts(name) == EXPECTED[name]


def test_facts_come_from_prose_only() -> None:
    """The MF286D post has 'option apn' and 'PIN verification is disabled' inside outputs;
    those are the parsers' business, not statements."""
    facts = _facts("forum-188967-mf286d.txt")
    assert not any(kind in ("apn", "sim_pin") for kind, _, _ in facts)


def test_fact_keeps_its_line_for_citing() -> None:
    text = (PASTES / "we826-mu609.txt").read_text(encoding="utf-8")
    fact = next(f for f in extract(text, "t").facts if f.kind == "reboot_reverts")
    assert fact.text == text.splitlines()[fact.line - 1]
    assert fact.source == "t"


# Sentences taken from the posts above, each alone: the reading must not depend on context.
@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("kmod-usb-net-cdc-ether has already been installed.", {("package_installed", "kmod-usb-net-cdc-ether")}),
        ("You will need to install kmod-usb-net-qmi-wwan", set()),
        ("Actually, you need to install luci-proto-qmi", set()),
        ("I have installed some packages suggested to me but some drivers are still not present.", set()),
        ("After each device reboot, it switches back to this mode again. Should I install \"usb-modeswitch\"?", {("reboot_reverts", "yes")}),
        ("My SIM card has no PIN.", {("sim_pin", "none")}),
        ("I also tried entering user/password and also SIM PIN... which does not changed anything", set()),
        ("So I have internet over WAN port and got everything up-to-date.", set()),
        ("I have already set the APN to fast.t-mobile.com and saved/applied", {("apn", "fast.t-mobile.com")}),
        ("You may build your own OpenWRT image, or you may download one from openwrt.org.", set()),  # a how-to
        ("Modem doesnot get detected (ZBT WE826 16m)", {("router_model", "zbtlink,zbt-we826-16m")}),
        ("I have bought a 4G WE826-T2 model from Aliexpress.", set()),  # no OpenWrt device says T2
        ("\"Provider: Connecting\" could mean an incorrect APN (but you have entered the correct one already)", set()),
    ],
)
def test_single_sentences(sentence: str, expected: Set[Tuple[str, str]]) -> None:
    facts = extract_statements([Line(7, sentence)], "s")
    assert {(fact.kind, fact.value) for fact in facts} == expected
    assert all(fact.line == 7 for fact in facts)
