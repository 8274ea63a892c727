"""Who the host is: OpenWrt release and target, board, kernel, host name.

Each source tells part of it: ``/etc/openwrt_release`` (and ``/etc/os-release``) the
release, revision, target and package architecture; ``ubus call system board`` the board
name, model, kernel, host name and release; ``uname -a`` the kernel, host name and machine;
``/proc/version`` (the first dmesg line) the kernel, its builder and compiler, and for
OpenWrt builds the revision inside the compiler string. ``merge_system_info`` combines
them; ``release_series`` turns a version into the branch that decides OpenWrt's behaviour.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

_SERIES = re.compile(r"(?<![\d.])(\d{2}\.\d{2})(?:[.\-]|$|\s)")


def release_series(version: str, description: str = "") -> str:
    """The release branch of an OpenWrt version: '23.05.2' -> '23.05', 'SNAPSHOT' -> 'snapshot'.

    A branch snapshot ('24.10-SNAPSHOT') belongs to its branch; '' when unknown. The
    description is a fall-back for releases that named themselves ('Barrier Breaker 14.07').
    """
    for text in (version, description):
        match = _SERIES.search(text.strip() + " ")
        if match:
            return match.group(1)
    if "snapshot" in version.lower() or version.strip().upper() == "HEAD":
        return "snapshot"
    if "snapshot" in description.lower():
        return "snapshot"
    return ""


@dataclass(frozen=True)
class SystemInfo:
    distribution: str = ""  # 'OpenWrt'
    release: str = ""  # '23.05.2', 'SNAPSHOT', '24.10-SNAPSHOT'
    revision: str = ""  # 'r23630-842932a63d'
    target: str = ""  # 'ramips/mt7620'
    arch: str = ""  # package architecture: 'mipsel_24kc'
    description: str = ""  # 'OpenWrt 23.05.2 r23630-842932a63d'
    codename: str = ""
    board_name: str = ""  # 'zbtlink,zbt-we826-32m'
    model: str = ""  # 'Zbtlink ZBT-WE826 (32M)'
    system: str = ""  # CPU / SoC as ubus reports it
    rootfs_type: str = ""
    kernel: str = ""  # '5.15.137'
    kernel_build: str = ""  # '#0 Tue Nov 14 13:38:11 2023'
    kernel_builder: str = ""  # 'builder@buildhost' from /proc/version
    compiler: str = ""  # from /proc/version
    hostname: str = ""
    machine: str = ""  # uname -m: 'mips', 'x86_64'
    builddate: str = ""
    fields: Tuple[Tuple[str, str], ...] = ()  # every key/value read, as printed
    lines: Tuple[Tuple[str, int], ...] = ()  # model field -> line that showed it

    @property
    def series(self) -> str:
        """'23.05', '24.10', '25.12', 'snapshot' or '' (see ``release_series``)."""
        return release_series(self.release, self.description)

    @property
    def is_openwrt(self) -> bool:
        return "openwrt" in self.distribution.lower() or bool(self.target and self.arch)

    def line_of(self, field_name: str) -> int:
        """The line that showed ``field_name`` ('target', 'kernel'...), 0 when none did."""
        for name, line in self.lines:
            if name == field_name:
                return line
        return 0


def merge_system_info(*infos: Optional[SystemInfo]) -> SystemInfo:
    """One SystemInfo from several sources; the first non-empty value of each field wins."""
    values: Dict[str, str] = {}
    fields: List[Tuple[str, str]] = []
    lines: List[Tuple[str, int]] = []
    for info in infos:
        if info is None:
            continue
        for item in dataclasses.fields(SystemInfo):
            if item.name in ("fields", "lines"):
                continue
            if not values.get(item.name) and getattr(info, item.name):
                values[item.name] = getattr(info, item.name)
                line = info.line_of(item.name)
                if line:
                    lines.append((item.name, line))
        fields.extend(info.fields)
    return SystemInfo(fields=tuple(fields), lines=tuple(lines), **values)
