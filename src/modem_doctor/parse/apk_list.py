"""``apk list --installed`` (OpenWrt 25.12 and snapshots), and the shorter ``apk info``.

Accepted line shapes::

    rpcd-mod-rpcsys-2024.09.17~9f4b86e7-r1 aarch64_cortex-a53 {feeds/base/system/rpcd} (ISC) [installed]
    kmod-r8169_5.15.91-r1_x86_64 x86_64 {package/kernel/linux} (GPL-2.0) [installed]   early OpenWrt apk
    uqmi-2025.07.30~7914da43-r2                                                        apk info -v
    kmod-usb-net                                                                       apk info

apk joins name and version with '-'; the version is the tail after the first '-' that
starts a valid apk version (digits, dots, optional letter, ``_suffix``, ``~hash``, ``-rN``).
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.packages import Package, PackageList, PackageManager
from ._log_common import check_lines, check_text

KIND = "apk_list"
TITLE = "installed packages (apk list --installed)"

_FULL = re.compile(
    r"^(?P<token>\S+)\s+(?P<arch>\S+)\s+\{(?P<origin>[^}]*)\}\s+\((?P<license>[^)]*)\)\s*(?P<tags>(?:\[[^\]]*\]\s*)*)$"
)
_VERSION = re.compile(
    r"^\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*(?:~[0-9a-fA-F]+)?(?:-r\d+)?$"
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9+._-]*$")


def split_name_version(token: str) -> Optional[Tuple[str, str]]:
    """'uqmi-2024.08.25~ab-r1' -> ('uqmi', '2024.08.25~ab-r1'); None when no valid version."""
    for index, char in enumerate(token):
        if char == "-" and index > 0 and index + 1 < len(token) and token[index + 1].isdigit():
            if _VERSION.match(token[index + 1 :]):
                return token[:index], token[index + 1 :]
    return None


def _full_line(line: Line, match: "re.Match[str]") -> Optional[Package]:
    token, arch = match.group("token"), match.group("arch")
    split = split_name_version(token)
    if split is None and token.endswith("_" + arch) and "_" in token[: -len(arch) - 1]:
        # early OpenWrt apk builds printed name_version_arch (PR openwrt/openwrt#4294)
        name, _, version = token[: -len(arch) - 1].partition("_")
        split = (name, version)
    if split is None:
        return None
    return Package(
        name=split[0],
        version=split[1],
        line=line.number,
        arch=arch,
        origin=match.group("origin"),
        license=match.group("license"),
    )


def parse_lines(lines: Sequence[Line]) -> Parsed[PackageList]:
    lines = check_lines(KIND, lines)
    packages: List[Package] = []
    unparsed = UnparsedCollector()
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        full = _FULL.match(text)
        if full is not None:
            package = _full_line(line, full)
            if package is None:
                unparsed.add(line, "no apk version in the package token")
            else:
                packages.append(package)
            continue
        if _NAME.match(text):
            split = split_name_version(text)
            name, version = split if split else (text, "")
            packages.append(Package(name=name, version=version, line=line.number))
            continue
        unparsed.add(line, "not an apk package line")
    first, last = line_span(lines)
    value = PackageList(manager=PackageManager.APK, packages=tuple(packages))
    return Parsed(kind=KIND, value=value, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[PackageList]:
    return parse_lines(number_lines(check_text(KIND, text)))
