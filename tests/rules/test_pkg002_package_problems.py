"""PKG002 on real opkg/apk output: a feed of another architecture, a modem package the
feeds do not have, and a full overlay; silent for non-modem unknown packages, for unknown
packages after a failed list download (PKG001) and for kmods of another kernel (DRV002)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import example_names, load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules.context import build_context
from modem_doctor.rules.pkg002_package_problems import RULE, check

FIXTURES = Path(__file__).parent.parent / "fixtures"
OWN = FIXTURES / "rules" / "pkg002"
PACKAGES = FIXTURES / "packages"


def _run(path: Path) -> List[Finding]:
    return list(check(build_context(load_text(path.read_text(), path.name))))


def test_fires_on_a_feed_of_another_architecture() -> None:
    (finding,) = _run(OWN / "github-ib42x0-1-opkg-no-valid-arch.txt")
    assert finding.code == "PKG002" == RULE.code and finding.severity is Severity.ERROR
    assert finding.title == "A package feed is for another architecture: 9 package(s) have no valid architecture here"
    # the first two and the last of the nine lines
    assert [e.line for e in finding.evidence] == [9, 10, 17]
    assert finding.evidence[0].text == "Package acl version 2.2.51-1 has no valid architecture, ignoring."
    assert "http://www.trustanywhere.com/download/public/openwrt/packages/" in finding.why
    assert "opkg print-architecture" in finding.fix and "customfeeds.conf" in finding.fix
    assert "Do not add 'arch' lines" in finding.fix


def test_fires_on_the_overlay_filling_up_mid_install() -> None:
    (finding,) = _run(OWN / "github-respeaker-43-opkg-no-space.txt")
    assert finding.title == "The overlay is full: git could not be installed"
    assert [e.line for e in finding.evidence] == [19, 20, 22]
    assert all("No space left on device" in e.text for e in finding.evidence)
    assert "opkg remove git" in finding.fix and "extroot" in finding.fix and "Image Builder" in finding.fix


def test_fires_on_a_modem_kmod_apk_does_not_know() -> None:
    (finding,) = _run(PACKAGES / "github-5gmodem-19-apk-no-such-package.txt")
    assert finding.title == "The package manager does not know the modem package kmod-usb-net-qmi-wwan"
    assert [(e.line, e.text.strip()) for e in finding.evidence] == [(3, "kmod-usb-net-qmi-wwan (no such package):")]
    # only 'apk add' of a local file is shown: no list download, so 'apk update' comes first
    assert finding.fix.startswith("Run 'apk update' first")
    assert "Firmware Selector" in finding.fix
    assert "no package list download is shown" in finding.why


@pytest.mark.parametrize(
    "name",
    [
        "github-gargoyle-297-opkg-unknown-package.txt",  # 'socat': not a modem package
        "github-busybox-29-opkg-wget1-unknown.txt",  # unknown because the lists failed to download
        "github-packages-17083-opkg-kernel-arch.txt",  # kmod of another kernel: DRV002's
    ],
)
def test_silent_on_other_package_output(name: str) -> None:
    assert _run(PACKAGES / name) == []


def test_kernel_arch_kmod_stays_drv002s() -> None:
    codes = [f.code for f in diagnose(load_text((PACKAGES / "github-packages-17083-opkg-kernel-arch.txt").read_text())).findings]
    assert "PKG002" not in codes


@pytest.mark.parametrize("name", example_names())
def test_silent_on_every_bundled_example(name: str) -> None:
    assert list(check(build_context(load_example(name)))) == []
