"""DRV002 on real package-manager output: a modem kmod refused for its kernel dependency
fires; kernel mismatches of kmods outside the modem stack and the case thread (where
option binds its siblings, so the kmod does fit) stay silent."""

from __future__ import annotations

import os
from typing import List

from modem_doctor.load import load_example, load_text
from modem_doctor.model.findings import Finding, Severity
from modem_doctor.rules import load_rules
from modem_doctor.rules.context import build_context
from modem_doctor.rules.drv002_kmod_kernel_mismatch import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _findings(relative: str) -> List[Finding]:
    path = os.path.join(FIXTURES, relative)
    with open(path, encoding="utf-8") as handle:
        host = load_text(handle.read(), os.path.basename(path))
    return list(check(build_context(host)))


def test_registered_with_its_documentation() -> None:
    (rule,) = [r for r in load_rules() if r.code == "DRV002"]
    assert rule.name == "kmod-kernel-mismatch"
    for heading in ("## What it detects", "## Why it matters", "## Evidence", "## Fix"):
        assert heading in rule.doc


def test_kmod_usb_serial_refused_for_its_kernel_dependency() -> None:
    # 19.07.8 feed on a device whose kernel build differs (mrhaav/openwrt issue 1)
    (finding,) = _findings("packages/github-mrhaav-1-opkg-malformed-and-kernel.txt")
    assert finding.code == "DRV002" and finding.severity is Severity.ERROR
    assert finding.title.startswith("kmod-usb-serial does not fit the running kernel")
    (evidence,) = finding.evidence
    assert evidence.line == 8 and "kernel (= 4.14.241-1-d92769dc5268e102503ae83fe968a56c)" in evidence.text
    assert "4.14.241-1-d92769dc5268e102503ae83fe968a56c" in finding.why
    assert "--force-depends" in finding.fix


def test_kernel_mismatch_of_other_kmods_stays_silent() -> None:
    assert _findings("packages/github-packages-2029-opkg-kernel-dep.txt") == []  # kmod-bridge
    assert _findings("packages/github-awg-138-apk-kernel-breaks.txt") == []  # kmod-amneziawg (apk)
    # netfilter kmods refused as 'incompatible with the architectures configured'
    assert _findings("packages/github-packages-17083-opkg-kernel-arch.txt") == []


def test_case_thread_stays_silent() -> None:
    # interface 0 of configuration 1 is unbound, but option binds interfaces 1-4: the kmod fits
    assert list(check(build_context(load_example("we826-mu609")))) == []
