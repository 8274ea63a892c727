"""PKG002 package-problems

## What it detects
opkg or apk errors that stop the modem's packages from going in, other than a kmod built
for another kernel (DRV002) and unreachable feeds (PKG001):

- architecture mismatch: ``Package X version V has no valid architecture, ignoring`` or
  ``Packages for X found, but incompatible with the architectures configured`` for a
  package that is not a kmod - a feed of another architecture was added (a third-party
  feed, or one copied from another router);
- a modem package the feeds do not have: ``Unknown package 'kmod-usb-net-qmi-wwan'``,
  apk's ``kmod-usb-net-qmi-wwan (no such package)``, for a package of the modem stack
  (a cellular kmod, uqmi, umbim, comgt, ModemManager, a ``luci-proto-*`` of a modem
  protocol) while the feed lists did download;
- no space: ``Only have 64kb available on filesystem /overlay, pkg X needs N`` or
  ``wfopen: ... No space left on device``.

## Why it matters
Each one leaves the driver or the protocol handler out, and each needs a different fix;
retrying ``opkg install`` changes nothing. Forcing an architecture (``arch`` lines in
``opkg.conf``) installs binaries that cannot run. A name unknown to the feeds is either
missing lists (``opkg update`` not run since boot: the lists live in RAM), a name this
release does not have, or a snapshot or vendor build whose kmods are in no public feed.
A full overlay can also leave a half-installed package behind.

## Evidence
The package manager's lines (the first two and the last of each kind).

## Fix
Architecture: feeds for this router's architecture only (``opkg print-architecture``;
``/etc/opkg/customfeeds.conf``, ``distfeeds.conf``), no ``arch`` overrides. Unknown
package: ``opkg update``/``apk update`` first; then the name this release uses; for a
snapshot or vendor build, an image that contains the package (Firmware Selector, Image
Builder). No space: remove what was installed by hand (including the half-installed
package) or build an image with the modem packages inside (squashfs is compressed), or
extroot on USB storage.
"""

from __future__ import annotations

import difflib
import re
from typing import Dict, Iterator, List, Tuple

from ..knowledge import packages
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.packages import PackageOutput, PackageProblem, ProblemKind
from . import Rule
from .context import Context

MAX_CITED = 3
# Modem packages besides the cellular kmods of the package table.
MODEM_TOOLS = frozenset({
    "uqmi", "umbim", "comgt", "comgt-ncm", "comgt-directip", "modemmanager", "qmi-utils", "mbim-utils",
    "libqmi", "libmbim", "usb-modeswitch", "luci-proto-qmi", "luci-proto-mbim", "luci-proto-3g",
    "luci-proto-ncm", "luci-proto-modemmanager", "luci-proto-ppp", "picocom", "sms-tool",
})
_OFFICIAL_FEED = re.compile(r"^https?://downloads\.(?:openwrt|lede-project)\.org/")


def is_modem_package(name: str) -> bool:
    return name in MODEM_TOOLS or packages.is_modem_kmod(name) or name.startswith("kmod-usb-net-qmi-wwan")


def _cite(ctx: Context, found: List[Tuple[str, PackageProblem]]) -> List[Evidence]:
    chosen = found[: MAX_CITED - 1] + found[-1:] if len(found) > MAX_CITED else found
    return [ctx.cite(artifact, problem.line, problem.text or None) for artifact, problem in chosen]


def _outputs(ctx: Context) -> List[Tuple[str, PackageOutput]]:
    return [(item.artifact, item.value) for item in ctx.host.package_problems if isinstance(item.value, PackageOutput)]


def check(ctx: Context) -> Iterator[Finding]:
    outputs = _outputs(ctx)
    if not outputs:
        return
    by_kind: Dict[ProblemKind, List[Tuple[str, PackageProblem]]] = {}
    for artifact, output in outputs:
        for problem in output.problems:
            by_kind.setdefault(problem.kind, []).append((artifact, problem))
    yield from _architecture(ctx, outputs, by_kind.get(ProblemKind.ARCH_INCOMPATIBLE, []))
    yield from _unknown(ctx, outputs, by_kind.get(ProblemKind.UNKNOWN_PACKAGE, []))
    yield from _no_space(ctx, by_kind.get(ProblemKind.NO_SPACE, []))


# -- architecture ------------------------------------------------------------------------


def _architecture(ctx: Context, outputs: List[Tuple[str, PackageOutput]], found: List[Tuple[str, PackageProblem]]) -> Iterator[Finding]:
    # a kmod 'incompatible with the architectures configured' is a kmod of another kernel build (DRV002)
    found = [(artifact, problem) for artifact, problem in found if not problem.package.startswith("kmod-")]
    if not found:
        return
    feeds = sorted({url.rsplit("/", 1)[0] + "/" for _, output in outputs for url in output.downloads if url.endswith(("Packages.gz", "Packages.gz.", "Packages.sig"))})
    foreign = [url for url in feeds if not _OFFICIAL_FEED.match(url)]
    names = sorted({problem.package for _, problem in found if problem.package})
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    why = (
        f"opkg ignores {shown}: the feed offers them for another CPU architecture than the one this router runs. "
        "Packages of another architecture cannot be installed, so whatever depends on them (a modem's kmods, "
        "its protocol handler) cannot be installed either."
    )
    if foreign:
        why += f" The feed read here is not an OpenWrt one: {foreign[0]}"
        why += "." if len(foreign) == 1 else f" (and {len(foreign) - 1} more)."
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=f"A package feed is for another architecture: {len(names)} package(s) have no valid architecture here",
        evidence=tuple(_cite(ctx, found)),
        why=why,
        fix=(
            "Keep only feeds built for this router's architecture: 'opkg print-architecture' names it, and the feeds "
            "are in /etc/opkg/distfeeds.conf and /etc/opkg/customfeeds.conf; remove or correct the feed of another "
            "architecture and run opkg update. Do not add 'arch' lines to /etc/opkg.conf to force it: the binaries "
            "would not run."
        ),
        rule=RULE.name,
    )


# -- unknown package ---------------------------------------------------------------------


def _lists_failed(outputs: List[Tuple[str, PackageOutput]]) -> bool:
    return any(
        problem.kind in (ProblemKind.DOWNLOAD_FAILED, ProblemKind.NETWORK_ERROR) and not problem.package
        for _, output in outputs
        for problem in output.problems
    )


def _lists_updated(ctx: Context, outputs: List[Tuple[str, PackageOutput]]) -> bool:
    if any(output.feeds_updated for _, output in outputs):
        return True
    return any(re.search(r"\b(?:opkg|apk)\s+update\b", command.text) for command in ctx.host.commands)


def _known_names() -> List[str]:
    return sorted(set(packages._data()["packages"]) | MODEM_TOOLS)


def _unknown(ctx: Context, outputs: List[Tuple[str, PackageOutput]], found: List[Tuple[str, PackageProblem]]) -> Iterator[Finding]:
    found = [(artifact, problem) for artifact, problem in found if _modem_name(problem.package)]
    if not found or _lists_failed(outputs):
        return  # missing lists after a failed download are the download's problem (PKG001)
    names = list(dict.fromkeys(problem.package for _, problem in found))
    release = ctx.release or ctx.release_series
    series = ctx.release_series
    manager = "apk" if any(output.manager.value == "apk" for _, output in outputs) else "opkg"
    reasons: List[str] = []
    fixes: List[str] = []
    if not _lists_updated(ctx, outputs):
        reasons.append("no package list download is shown, and the lists live in RAM: they are gone after every reboot")
        fixes.append(f"run '{manager} update' first and install again")
    for name in names:
        if name in packages._data()["packages"]:
            if series and not packages.available(name, series):
                since = packages._data()["packages"][name].get("since")
                reasons.append(f"{name} does not exist in OpenWrt {series}" + (f" (it first appears in {since})" if since else ""))
                fixes.append(f"upgrade to a release that has {name}" + (f" ({since} or later)" if since else ""))
        else:
            close = difflib.get_close_matches(name, _known_names(), n=1, cutoff=0.8)
            if close:
                reasons.append(f"OpenWrt has no package '{name}'; the package is called {close[0]}")
                fixes.append(f"install {close[0]}")
    if release is not None and "snapshot" in str(release).lower():
        reasons.append("on a snapshot, kmods exist only in the feed of that exact build, which moves on daily")
    elif release is None:
        reasons.append(
            "if this is a snapshot or a vendor build, its kmods exist only in that exact build's feed, which moves "
            "on or is not public"
        )
    fixes.append(
        "if the feeds really lack it for this build, build an image that contains it with the Firmware Selector "
        "('Customize installed packages') or the Image Builder"
    )
    shown = ", ".join(names)
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=f"The package manager does not know the modem package{'s' if len(names) > 1 else ''} {shown}",
        evidence=tuple(_cite(ctx, found)),
        why=(
            f"{shown} {'are' if len(names) > 1 else 'is'} needed for the modem, and the package lists this router read "
            "do not contain " + ("them" if len(names) > 1 else "it") + ": " + "; ".join(reasons or ["the feeds lack it"]) + "."
        ),
        fix=_sentence("; ".join(fixes)),
        rule=RULE.name,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _modem_name(name: str) -> bool:
    if not name:
        return False
    if is_modem_package(name):
        return True
    # a misspelt modem package: close to one the table knows
    return bool(difflib.get_close_matches(name, sorted(MODEM_TOOLS | {n for n in packages._data()["packages"] if packages.is_modem_kmod(n)}), n=1, cutoff=0.85))


# -- no space ----------------------------------------------------------------------------


def _no_space(ctx: Context, found: List[Tuple[str, PackageProblem]]) -> Iterator[Finding]:
    if not found:
        return
    evidence = _cite(ctx, found)
    names = [name for name in dict.fromkeys(problem.package for _, problem in found) if name]
    shown = ", ".join(names) if names else "the package"
    half = f" (opkg remove {names[0]} releases what the failed install left)" if names else ""
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=f"The overlay is full: {shown} could not be installed",
        evidence=tuple(evidence),
        why=(
            "Packages installed with opkg or apk go to the writable overlay on the flash, uncompressed. When it "
            "fills up the install stops halfway, and a modem's kmods and protocol handler will not fit either."
        ),
        fix=(
            "Free space by removing packages installed by hand" + half + " - packages that came with the image "
            "cannot be freed; or build an image with the modem packages inside (Firmware Selector or Image Builder: "
            "squashfs stores them compressed); or move the overlay to USB storage (extroot)."
        ),
        rule=RULE.name,
    )


RULE = Rule(
    code="PKG002",
    name="package-problems",
    severity=Severity.ERROR,
    summary="opkg/apk cannot install: a feed of another architecture, an unknown modem package, or a full overlay",
    check=check,
)
