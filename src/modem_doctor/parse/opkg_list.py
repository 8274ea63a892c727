"""``opkg list-installed``: one ``name - version`` line per installed package.

``opkg list`` (available packages) adds `` - description``; that tail is accepted and
ignored. Anything else (prompts, prose, other output) is reported unparsed.
"""

from __future__ import annotations

import re
from typing import List, Sequence

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.packages import Package, PackageList, PackageManager
from ._log_common import check_lines, check_text

KIND = "opkg_list"
TITLE = "installed packages (opkg list-installed)"

# Package names are lower-case words with '-', '_', '.', '+'; versions never hold spaces.
_LINE = re.compile(r"^(?P<name>[A-Za-z0-9][\w.+-]*)\s+-\s+(?P<version>[^\s]+)(?:\s+-\s+.*)?$")


def parse_lines(lines: Sequence[Line]) -> Parsed[PackageList]:
    lines = check_lines(KIND, lines)
    packages: List[Package] = []
    unparsed = UnparsedCollector()
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        match = _LINE.match(text)
        if match is None:
            unparsed.add(line, "not a 'name - version' line")
            continue
        packages.append(Package(name=match.group("name"), version=match.group("version"), line=line.number))
    first, last = line_span(lines)
    value = PackageList(manager=PackageManager.OPKG, packages=tuple(packages))
    return Parsed(kind=KIND, value=value, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[PackageList]:
    return parse_lines(number_lines(check_text(KIND, text)))
