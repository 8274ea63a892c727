"""``uname -a``, ``uname -r``, and ``/proc/version`` (also the first line of dmesg).

    Linux OpenWrt 5.15.137 #0 SMP Tue Nov 14 13:38:11 2023 mips GNU/Linux
    Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux
    Linux version 5.15.62 (nick@coolnew) (mips-openwrt-linux-musl-gcc (OpenWrt GCC 11.3.0 r20375-d6994c53cd) 11.3.0, GNU ld (GNU Binutils) 2.37) #0 Tue Aug 23 16:45:29 2022

An OpenWrt toolchain names the build revision inside the compiler string
('OpenWrt GCC 11.3.0 r20375-d6994c53cd'); it becomes ``revision``.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.system import SystemInfo
from ._log_common import check_lines, check_text, split_kernel_stamp

KIND = "uname"
TITLE = "kernel identity (uname -a, /proc/version)"

_RELEASE = r"\d+\.\d+(?:\.\d+)?[\w.+~-]*"
_PROC_VERSION = re.compile(rf"^Linux version (?P<release>{_RELEASE}) \((?P<builder>[^)\s]*)\) (?P<rest>.*)$")
_UNAME_A = re.compile(rf"^(?P<sys>Linux|GNU/Linux) (?P<host>\S+) (?P<release>{_RELEASE}) (?P<rest>#.*)$")
_UNAME_R = re.compile(rf"^{_RELEASE}$")
_OPENWRT_GCC = re.compile(r"OpenWrt GCC \S+ (?P<rev>r\d+(?:\+\d+)?-[0-9a-f]+)")
_MACHINES = re.compile(
    r"^(?:x86_64|i[3-6]86|aarch64|arm\w*|mips\w*|ppc\w*|powerpc\w*|riscv\w*|s390x|loongarch\w*|sparc\w*|sh\d\w*|m68k|unknown)$"
)


def _compiler_and_build(rest: str) -> Tuple[str, str]:
    """Split '(gcc ...(nested)...) #0 SMP date' into the compiler and the build string."""
    if not rest.startswith("("):
        return "", rest.strip()
    depth = 0
    for index, char in enumerate(rest):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return rest[1:index], rest[index + 1 :].strip()
    return rest[1:], ""  # unbalanced: a truncated or wrapped line


def _proc_version(line: Line, text: str) -> Optional[Tuple[Dict[str, str], Dict[str, int]]]:
    match = _PROC_VERSION.match(text)
    if not match:
        return None
    compiler, build = _compiler_and_build(match.group("rest"))
    values = {"kernel": match.group("release"), "kernel_builder": match.group("builder"), "compiler": compiler}
    if build:
        values["kernel_build"] = build
    revision = _OPENWRT_GCC.search(compiler)
    if revision:
        values["revision"] = revision.group("rev")
        values["distribution"] = "OpenWrt"
    return values, {name: line.number for name in values}


def _uname_a(line: Line, text: str) -> Optional[Tuple[Dict[str, str], Dict[str, int]]]:
    match = _UNAME_A.match(text)
    if not match:
        return None
    words = match.group("rest").split()
    if words and words[-1] in ("GNU/Linux", "Linux", "Android"):
        words.pop()
    machine = ""
    # GNU uname prints machine, processor and platform; busybox prints the machine only.
    while words and _MACHINES.match(words[-1]) and len(words) > 1:
        machine = words.pop()
    values = {"kernel": match.group("release"), "hostname": match.group("host"), "kernel_build": " ".join(words)}
    if machine:
        values["machine"] = machine
    return values, {name: line.number for name in values}


def parse_lines(lines: Sequence[Line]) -> Parsed[SystemInfo]:
    lines = check_lines(KIND, lines)
    values: Dict[str, str] = {}
    where: Dict[str, int] = {}
    fields: List[Tuple[str, str]] = []
    unparsed = UnparsedCollector()
    for line in lines:
        text = " ".join(split_kernel_stamp(line.text.strip())[1].split())
        if not text:
            continue
        found = _proc_version(line, text) or _uname_a(line, text)
        if found is None and _UNAME_R.match(text):
            found = ({"kernel": text}, {"kernel": line.number})
        if found is None:
            unparsed.add(line, "not uname or /proc/version output")
            continue
        new_values, new_lines = found
        fields.extend(new_values.items())
        for name, value in new_values.items():
            if value and name not in values:
                values[name] = value
                where[name] = new_lines[name]
    first, last = line_span(lines)
    info = SystemInfo(fields=tuple(fields), lines=tuple(where.items()), **values)
    return Parsed(kind=KIND, value=info, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[SystemInfo]:
    return parse_lines(number_lines(check_text(KIND, text)))
