"""``uci show [CONFIG[.SECTION]]`` output.

One line per section (``network.wwan=interface``) and per option
(``network.wwan.proto='qmi'``). uci prints each value in single quotes, writes a quote
inside a value as ``'\\''``, and prints a list as its quoted values separated by spaces
(``firewall.@zone[1].network='wan' 'wan6'``). Anonymous sections appear as
``@type[index]`` or, with ``uci -X show``, under their internal name (``cfg0a1b2c``).
Very old uci versions printed values without quotes; such a value is kept whole.

A paste that starts mid-section (options of a section whose ``=type`` line was cut off)
still yields that section, typed from ``@type[i]`` when the name shows it. An elision mark
('[...]', '...') on a line of its own is listed unparsed with the reason ``ELIDED``, not as
a broken line; every line names its section, so nothing after the gap is lost.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.uci import UciConfig
from ._net_common import check_lines, shell_command, strip_fence, to_lines, uncurl
from .uci_config import ELIDED, ELISION, _PackageBuilder, _SectionBuilder

KIND = "uci_show"
TITLE = "uci show"

_LINE = re.compile(
    r"^(?P<config>[\w-]+)\.(?P<section>@[\w-]+\[-?\d+\]|[\w-]+)(?:\.(?P<option>[\w-]+))?=(?P<value>.*)$"
)
_ANON_REF = re.compile(r"^@([\w-]+)\[(-?\d+)\]$")
_ANON_ID = re.compile(r"^cfg[0-9a-f]{6}$")
_TYPE = re.compile(r"^[\w-]+$")


class _ValueError(Exception):
    pass


def split_values(text: str) -> Tuple[str, ...]:
    """Values of one ``uci show`` option: "'a' 'b'" -> ('a', 'b'); "'it'\\''s'" -> ("it's",).

    Text that does not start with a quote is one unquoted value (old uci)."""
    stripped = text.strip()
    if not stripped.startswith("'"):
        return (stripped,)
    values: List[str] = []
    position = 0
    length = len(stripped)
    while position < length:
        if stripped[position] in " \t":
            position += 1
            continue
        piece: List[str] = []
        while position < length and stripped[position] not in " \t":
            char = stripped[position]
            if char == "'":
                end = stripped.find("'", position + 1)
                if end < 0:
                    raise _ValueError("unterminated quote (line cut short?)")
                piece.append(stripped[position + 1 : end])
                position = end + 1
            elif char == "\\" and position + 1 < length:
                piece.append(stripped[position + 1])
                position += 2
            else:
                raise _ValueError("text outside quotes")
        values.append("".join(piece))
    return tuple(values)


def _unreadable(value: str) -> bool:
    try:
        split_values(value)
    except _ValueError:
        return True
    # uci show always quotes: a value shown in curly quotes was straight before a forum
    stripped = value.strip()
    return stripped[:1] in ("\u2018", "\u2019") and stripped[-1:] in ("\u2018", "\u2019")


def parse(text: str) -> Parsed[UciConfig]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[UciConfig]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    builder = _PackageBuilder()
    sections: Dict[Tuple[str, str], _SectionBuilder] = {}

    for line in lines:
        raw = line.text
        if not raw.strip():
            continue
        if shell_command(raw) is not None:
            continue
        text = strip_fence(raw).strip()
        if ELISION.match(text):
            unparsed.add(line, ELIDED)
            continue
        match = _LINE.match(text)
        if match and match.group("option") is not None and _unreadable(match.group("value")):
            match = _LINE.match(uncurl(text)) or match  # curly quotes from a forum: straighten
        elif not match:
            match = _LINE.match(uncurl(text))
        if not match:
            unparsed.add(line, "not a 'config.section[.option]=value' line")
            continue
        config, ref, option, value = match.group("config", "section", "option", "value")
        if option is None:
            if not _TYPE.match(value.strip()):
                unparsed.add(line, "section type is not a word")
                continue
            section = _section(builder, sections, config, ref, value.strip(), line.number)
            if section is None:
                unparsed.add(line, "section declared twice")
            continue
        try:
            values = split_values(value)
        except _ValueError as error:
            unparsed.add(line, str(error))
            continue
        section = sections.get((config, ref))
        if section is None:
            anonymous = _ANON_REF.match(ref)
            section = _section(builder, sections, config, ref, anonymous.group(1) if anonymous else "", line.number)
        assert section is not None
        if len(values) > 1:
            for item in values:
                section.add_list(option, item, line.number)
        else:
            section.set_option(option, values[0], line.number)

    first, last = line_span(lines)
    return Parsed(KIND, builder.build(), unparsed.freeze(), first, last)


def _section(
    builder: _PackageBuilder,
    sections: Dict[Tuple[str, str], _SectionBuilder],
    config: str,
    ref: str,
    stype: str,
    line: int,
) -> Optional[_SectionBuilder]:
    """Start the section ``config.ref``; None when it was already declared with a type."""
    existing = sections.get((config, ref))
    if existing is not None:
        if existing.stype:
            return None
        existing.stype = stype  # options came first (a cut paste); the type arrives late
        return existing
    anonymous = _ANON_REF.match(ref)
    name: Optional[str] = ref
    anonymous_id = ""
    if anonymous:
        name = None
        index = int(anonymous.group(2))
        # later named sections of this type count after it, as '@type[i]' counts all
        key = (config, stype)
        builder.type_counts[key] = max(builder.type_counts.get(key, 0), index + 1)
    else:
        index = builder.next_index(config, stype)
        if _ANON_ID.match(ref):
            name = None
            anonymous_id = ref
    section = _SectionBuilder(
        config=config, name=name, stype=stype, index=index, line=line, anonymous_id=anonymous_id
    )
    builder.add(section)
    sections[(config, ref)] = section
    return section
