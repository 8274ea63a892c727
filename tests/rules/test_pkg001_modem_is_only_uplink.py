"""PKG001 on real text: the case thread's second page (opkg cannot reach the feeds, the
router's uplink is the MU609), a blog whose only uplink is a 3G modem; silent when the
router is online (HTTP errors), when no modem is involved, and on the first page."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.pkg001_modem_is_only_uplink import RULE, check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _run(text: str, source: str = "paste.txt") -> List[Finding]:
    return list(check(build_context(load_text(text, source))))


def test_fires_on_the_case_threads_second_page() -> None:
    (finding,) = _run(_read("pastes/forum-178738-p2-mu609.txt"), "p2.txt")
    assert finding.code == "PKG001" and finding.severity is Severity.ERROR
    assert finding.title == "The package feeds are unreachable while the MU609 modem is the uplink being set up"
    lines = {e.line: e.text for e in finding.evidence}
    assert lines[24].startswith("*** Failed to download the package list from https://downloads.openwrt.org/releases/23.05.2/")
    assert lines[19].startswith("Huawei MU609 is a 3G modem")
    assert "downloads.openwrt.org" in finding.why
    assert "Image Builder" in finding.fix and "OpenWrt 23.05.2" in finding.fix


def test_both_pages_switch_the_plan_to_the_image_route() -> None:
    text = read_example("we826-mu609") + "\n" + _read("pastes/forum-178738-p2-mu609.txt")
    diagnosis = diagnose(load_text(text, "thread.txt"))
    assert [f.code for f in diagnosis.findings].count("PKG001") == 1
    kinds = [step.kind.value for step in diagnosis.plan.steps]
    assert kinds[0] == "image", kinds
    install = [step for step in diagnosis.plan.steps if step.kind.value == "install"]
    assert install and install[0].alternative


def test_fires_when_the_user_says_the_modem_is_the_only_uplink() -> None:
    (finding,) = _run(_read("pastes/blog-ibd-usb881.txt"), "blog.txt")
    assert finding.title.startswith("The modem is the router's only uplink")
    assert [e.line for e in finding.evidence] == [5]
    assert "the only way I" in finding.evidence[0].text


def test_silent_when_the_server_answered() -> None:
    # 'wget returned 8': the feed server replied with an error, so the router is online;
    # the modem of the case thread in the same input does not change that.
    text = read_example("we826-mu609") + "\n" + _read("packages/github-lede-9970-opkg-update-wget8.txt")
    assert _run(text) == []


def test_silent_when_offline_but_no_modem_is_involved() -> None:
    assert _run(_read("packages/forum-23225-opkg-update-no-connection.txt")) == []
    assert _run(_read("packages/github-openwrt-17490-apk-network-error.txt")) == []


def test_silent_on_the_first_page_of_the_case() -> None:
    assert list(check(build_context(load_example("we826-mu609")))) == []


def test_rule_metadata() -> None:
    assert RULE.code == "PKG001" and RULE.name == "modem-is-only-uplink"


# -- "no other WAN is up", from the routing table ----------------------------------------
# The opkg run is forum-23225's (no modem in it); the routes come from other real captures
# (tests/fixtures/net/SOURCE.md): a modem's wwan0 and nothing else, or several PPPoE WANs.
OFFLINE = "packages/forum-23225-opkg-update-no-connection.txt"


def test_fires_when_the_only_default_route_goes_through_the_modem() -> None:
    text = _read(OFFLINE) + "\n" + _read("net/ip_route_wwan0_raspap1277.txt")
    (finding,) = _run(text)
    assert finding.title == (
        "The package feeds are unreachable and no other WAN is up: the only default route goes through "
        "the modem's wwan0"
    )
    assert finding.evidence[-1].text == "default via 10.182.35.145 dev wwan0"
    assert finding.evidence[0].text == "Failed to establish connection"


def test_fires_when_there_is_no_default_route_but_the_modems() -> None:
    text = _read(OFFLINE) + "\n" + _read("net/ip_route_wwan0_openwrt10791.txt")
    (finding,) = _run(text)
    assert "no WAN is up: the routing table has no default route, only the modem's wwan0" in finding.title
    assert finding.evidence[-1].text.startswith("172.94.88.1 dev wwan0 proto static")


def test_silent_when_another_wan_has_the_default_route() -> None:
    # The case thread's second page fires alone (above); with PPPoE default routes in the
    # same input the router has another way out, so the modem is not why opkg failed.
    page = _read("pastes/forum-178738-p2-mu609.txt")
    assert len(_run(page, "p2.txt")) == 1
    assert _run(page + "\n" + _read("net/ip4_route_openwrt_packages16837.txt"), "p2.txt") == []


def test_a_pppd_link_counts_as_the_modems() -> None:
    # ppp0 is what pppd names a dial-up link over a modem's serial port (the capture is of
    # a cellular ppp0 on an Android target): its default route is no other WAN.
    text = _read(OFFLINE) + "\n" + _read("net/ppp0_android_mail_ip_route.txt")
    (finding,) = _run(text)
    assert finding.title.endswith("no other WAN is up: the only default route goes through the modem's ppp0")
    assert finding.evidence[-1].text == "default dev ppp0 scope link"


def test_silent_when_the_default_route_is_a_cable_wan() -> None:
    # this machine's own 'ip route' (default via eth0) after the case thread's second page,
    # which fires alone: the router is online another way
    page = _read("pastes/forum-178738-p2-mu609.txt")
    assert _run(page + "\n" + _read("net/ip_route_host.txt"), "p2.txt") == []
