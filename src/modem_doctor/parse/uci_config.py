"""UCI files: ``cat /etc/config/NAME`` and ``uci export [NAME]``.

The grammar follows libuci's file parser: statements ``package NAME``, ``config TYPE
[NAME]``, ``option NAME VALUE`` and ``list NAME VALUE``, one per line; a word is bare
(backslash escapes the next character), 'single-quoted' (no escapes) or "double-quoted"
(backslash escapes), and adjacent pieces join into one word (``'a'"b"c`` is ``abc``);
``#`` outside quotes starts a comment.

``cat`` does not say which file it shows, so the package name comes from a ``package``
line (``uci export``), from the command when the paste shows it (``cat
/etc/config/network``), or from the ``package`` argument; failing those, from section
types only one standard file has (``interface`` -> network, ``zone`` -> firewall), and
the package is marked ``inferred``; otherwise it is ''.

What a pasted file often carries and this parser tolerates: the command line above it,
markdown backticks glued to the first or last line, curly quotes, a last line cut short
(reported unparsed, never guessed), and an elision mark on a line of its own ('[...]',
'...', '…') where guides leave options out. The mark is no statement and ends no
section: the options after it stay in the section before it. It is listed among the
unparsed lines with the reason ``ELIDED`` so the gap stays visible without being taken
for text the parser failed to read.

Options pasted without their ``config`` line ("standard config: option proto qmi / option
apn internet") are the body of one section. When one of them is ``option proto`` with a
netifd protocol, they are read as an anonymous ``interface`` section of package network
(the package inferred, as for any unnamed file of interfaces, unless a command or
``package`` line named it), the section marked ``inferred``; other headless options stay
unparsed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.uci import UciConfig, UciOption, UciPackage, UciSection
from ._net_common import check_lines, shell_command, strip_fence, to_lines, uncurl

KIND = "uci_config"
TITLE = "UCI configuration file (cat /etc/config/..., uci export)"

# 'cat /etc/config/network', 'uci export network', also without a prompt.
_COMMAND = re.compile(
    r"^\s*(?:cat|less|more|vi|vim|nano|head|tail)\s+(?:-\S+\s+)*/etc/config/([\w.-]+)\s*$"
    r"|^\s*uci\s+(?:-\S+\s+)*export(?:\s+([\w.-]+))?\s*$"
)
_NAME = re.compile(r"^[\w.-]+$")
# '[...]', '[ ... ]', '...', '....', '…', '[…]' alone on a line.
ELISION = re.compile(r"^\s*(?:\[\s*(?:\.{3,}|\u2026)\s*\]|\.{3,}|\u2026)\s*$")
ELIDED = "elided: the paste leaves lines out here"
_OPTION_NAME = re.compile(r"^[\w-]+$")
# netifd protocols (proto handlers in OpenWrt's packages); firewall rules also have an
# 'option proto' (tcp, udp, icmp, all), which must not make a headless block an interface.
_NETIFD_PROTOS = frozenset(
    "static dhcp dhcpv6 pppoe pppoa ppp pptp l2tp 3g qmi mbim ncm wwan directip modemmanager none 6in4 6to4 "
    "6rd dslite gre gretap grev6 grev6tap vti vtiv6 xfrm wireguard relay batadv map hnet openvpn".split()
)
HEADLESS = "'{keyword}' outside any 'config' section"


class _TokenError(Exception):
    pass


def tokenize(text: str) -> List[str]:
    """Split one UCI statement into words, dropping a trailing comment.

    Raises ``_TokenError`` for an unterminated quote (a line cut short)."""
    words: List[str] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t\r\f\v":
            position += 1
            continue
        if char == "#":
            break
        piece: List[str] = []
        while position < length and text[position] not in " \t\r\f\v":
            char = text[position]
            if char == "'":
                end = text.find("'", position + 1)
                if end < 0:
                    raise _TokenError("unterminated ' quote")
                piece.append(text[position + 1 : end])
                position = end + 1
            elif char == '"':
                position += 1
                while position < length and text[position] != '"':
                    if text[position] == "\\" and position + 1 < length:
                        piece.append(text[position + 1])
                        position += 2
                    else:
                        piece.append(text[position])
                        position += 1
                if position >= length:
                    raise _TokenError('unterminated " quote')
                position += 1
            elif char == "\\" and position + 1 < length:
                piece.append(text[position + 1])
                position += 2
            elif char == "#":
                break
            else:
                piece.append(char)
                position += 1
        words.append("".join(piece))
        if position < length and text[position] == "#":
            break
    return words


_CURLY_WORD = re.compile("^[\u2018\u201c].*[\u2019\u201d]$")


def _words(text: str) -> Union[List[str], str]:
    """The words of a line, or the reason it cannot be read.

    Forum software turns quotes into curly ones. A line is read with them straightened
    when it does not read otherwise, when a statement has the wrong number of words, or
    when a word is wrapped in curly quotes; a value that really contains one ('Bob’s',
    inside straight quotes) is kept as it is."""
    repaired = uncurl(text)
    try:
        words = tokenize(text)
    except _TokenError as error:
        if repaired == text:
            return str(error)
        try:
            return tokenize(repaired)
        except _TokenError:
            return str(error)
    if repaired == text:
        return words
    expected = (2, 3) if words and words[0] == "config" else (3,)
    wrong_count = bool(words) and words[0] in ("option", "list", "config") and len(words) not in expected
    if wrong_count or any(_CURLY_WORD.match(word) for word in words):
        try:
            return tokenize(repaired)
        except _TokenError:
            return words
    return words


@dataclass
class _SectionBuilder:
    """A section being filled; options keep first-seen order, as uci does."""

    config: str
    name: Optional[str]
    stype: str
    index: int
    line: int
    order: List[str] = field(default_factory=list)
    values: Dict[str, List[str]] = field(default_factory=dict)
    is_list: Dict[str, bool] = field(default_factory=dict)
    lines: Dict[str, int] = field(default_factory=dict)
    anonymous_id: str = ""
    inferred: bool = False

    def set_option(self, name: str, value: str, line: int) -> None:
        # A repeated 'option' replaces the value, as libuci does.
        if name not in self.values:
            self.order.append(name)
        self.values[name] = [value]
        self.is_list[name] = False
        self.lines[name] = line

    def add_list(self, name: str, value: str, line: int) -> None:
        if name not in self.values or not self.is_list.get(name, False):
            if name not in self.values:
                self.order.append(name)
            self.values[name] = []
            self.lines[name] = line
        self.values[name].append(value)
        self.is_list[name] = True

    def build(self) -> UciSection:
        options = tuple(
            UciOption(name, tuple(self.values[name]), self.is_list[name], self.lines[name]) for name in self.order
        )
        return UciSection(
            config=self.config,
            name=self.name,
            type=self.stype,
            index=self.index,
            options=options,
            line=self.line,
            anonymous_id=self.anonymous_id,
            inferred=self.inferred,
        )


class _PackageBuilder:
    """Collects sections per package in order of appearance."""

    def __init__(self) -> None:
        self.order: List[str] = []
        self.sections: Dict[str, List[_SectionBuilder]] = {}
        self.lines: Dict[str, int] = {}
        self.type_counts: Dict[Tuple[str, str], int] = {}

    def package(self, name: str, line: int) -> None:
        if name not in self.sections:
            self.order.append(name)
            self.sections[name] = []
            self.lines[name] = line

    def next_index(self, config: str, stype: str) -> int:
        key = (config, stype)
        index = self.type_counts.get(key, 0)
        self.type_counts[key] = index + 1
        return index

    def add(self, section: _SectionBuilder) -> None:
        self.package(section.config, section.line)
        self.sections[section.config].append(section)

    def build(self) -> UciConfig:
        packages = []
        for name in self.order:
            built = tuple(section.build() for section in self.sections[name])
            if built or name:
                packages.append(UciPackage(name=name, sections=built, line=self.lines[name]))
        return UciConfig(packages=tuple(packages))


def parse(text: str, package: str = "") -> Parsed[UciConfig]:
    return parse_lines(to_lines(KIND, text), package=package)


def _headless_type(section: _SectionBuilder) -> str:
    """The section type headless options show, or '' when they do not say."""
    proto = section.values.get("proto")
    if proto and not section.is_list.get("proto") and proto[0] in _NETIFD_PROTOS:
        return "interface"
    return ""


def parse_lines(lines: Sequence[Line], package: str = "") -> Parsed[UciConfig]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    builder = _PackageBuilder()
    config = package
    current: Optional[_SectionBuilder] = None
    # options before any 'config' line, held until it is clear what they are
    headless: Optional[_SectionBuilder] = None
    headless_lines: List[Tuple[Line, str]] = []

    def settle() -> None:
        nonlocal headless
        if headless is None:
            return
        stype = _headless_type(headless)
        if stype:
            headless.stype = stype
            headless.index = builder.next_index(headless.config, stype)
            headless.inferred = True
            builder.add(headless)
        else:
            for line, keyword in headless_lines:
                unparsed.add(line, HEADLESS.format(keyword=keyword))
        headless = None
        headless_lines.clear()

    for line in lines:
        raw = line.text
        if not raw.strip():
            continue
        command = shell_command(raw)
        text = command if command is not None else strip_fence(raw)
        named = _COMMAND.match(text)
        if named:
            settle()  # options before 'cat /etc/config/X' are not part of that file
            config = named.group(1) or named.group(2) or config
            continue
        if command is not None:
            continue  # some other command shown above the file: not part of it
        if ELISION.match(text):
            unparsed.add(line, ELIDED)  # 'current' stays: the section goes on after the gap
            continue
        words = _words(text)
        if isinstance(words, str):
            unparsed.add(line, words)
            continue
        if not words:
            continue  # a comment
        keyword = words[0]
        if keyword in ("package", "config"):
            settle()
        if keyword == "package" and len(words) == 2 and _NAME.match(words[1]):
            config = words[1]
            builder.package(config, line.number)
            current = None
        elif keyword == "config" and len(words) in (2, 3) and words[1]:
            stype = words[1]
            name = words[2] if len(words) == 3 and words[2] else None
            current = _SectionBuilder(
                config=config,
                name=name,
                stype=stype,
                index=builder.next_index(config, stype),
                line=line.number,
            )
            builder.add(current)
        elif keyword in ("option", "list"):
            if len(words) != 3 or not _OPTION_NAME.match(words[1]):
                unparsed.add(line, f"'{keyword}' needs a name and one value")
            elif current is None and builder.sections.get(config):
                unparsed.add(line, HEADLESS.format(keyword=keyword))  # after a 'package' line that ended sections
            elif current is None:
                if headless is None:
                    headless = _SectionBuilder(config=config, name=None, stype="", index=0, line=line.number)
                headless_lines.append((line, keyword))
                if keyword == "option":
                    headless.set_option(words[1], words[2], line.number)
                else:
                    headless.add_list(words[1], words[2], line.number)
            elif keyword == "option":
                current.set_option(words[1], words[2], line.number)
            else:
                current.add_list(words[1], words[2], line.number)
        else:
            unparsed.add(line, "not a UCI statement")

    settle()
    first, last = line_span(lines)
    return Parsed(KIND, _name_unnamed(builder.build()), unparsed.freeze(), first, last)


# Section types found in only one of OpenWrt's standard files; 'rule' and 'route' are not
# here because both network and firewall use 'rule'.
_TYPE_HOMES = {
    "interface": "network", "device": "network", "switch": "network", "switch_vlan": "network",
    "switch_port": "network", "globals": "network", "bridge-vlan": "network", "alias": "network",
    "route6": "network", "rule6": "network",
    "defaults": "firewall", "zone": "firewall", "forwarding": "firewall", "redirect": "firewall",
    "ipset": "firewall", "nat": "firewall",
    "wifi-device": "wireless", "wifi-iface": "wireless",
    "dnsmasq": "dhcp", "odhcpd": "dhcp", "host": "dhcp", "domain": "dhcp", "boot": "dhcp",
    "timeserver": "system",
}  # fmt: skip


def _name_unnamed(config: UciConfig) -> UciConfig:
    """Name a package that no 'package' line or command named, when its section types
    all belong to one standard file ('interface' and 'device' -> network); the package is
    then marked ``inferred``. Otherwise the name stays ''."""
    packages = []
    for package in config.packages:
        homes = {_TYPE_HOMES[s.type] for s in package.sections if s.type in _TYPE_HOMES}
        if package.name or len(homes) != 1:
            packages.append(package)
            continue
        (home,) = homes
        sections = tuple(dataclasses.replace(section, config=home) for section in package.sections)
        packages.append(UciPackage(name=home, sections=sections, line=package.line, inferred=True))
    return UciConfig(packages=tuple(packages))
