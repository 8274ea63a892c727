"""OpenWrt's UCI configuration as facts: packages, sections, options.

Two outputs show the same configuration: the file form (``cat /etc/config/network``,
``uci export network``) and ``uci show``. Both parsers produce these classes so a rule
reads either. What the two forms can express differs slightly, and the model says so
instead of guessing:

- ``uci show`` prints a one-value list exactly like an option (``network='lan'``), so
  ``UciOption.is_list`` is only known for certain from the file form or when a list has
  several values (``'wan' 'wan6'``).
- ``uci show`` names an anonymous section by position (``@zone[1]``) and the file form
  not at all; ``UciSection.index`` is the section's position among the sections of its
  type in its package (what ``@type[i]`` counts), for named and anonymous sections alike,
  so both forms agree on it.

``UciSection.facts()`` is the part both forms carry; comparing it is how a test proves
the two parsers agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class UciOption:
    """``option name 'value'`` (one value) or every ``list name '...'`` line of one name."""

    name: str
    values: Tuple[str, ...]
    is_list: bool = False
    line: int = 0  # the first line that set it

    @property
    def value(self) -> str:
        """The value of a plain option; a list's values joined by one space (as uci does)."""
        return " ".join(self.values)


@dataclass(frozen=True)
class UciSection:
    """One ``config TYPE ['NAME']`` section."""

    config: str  # the package (file) name: 'network', 'firewall'; '' when the input does not say
    name: Optional[str]  # None for an anonymous section
    type: str
    index: int = 0  # position among sections of this type in the package: '@type[index]'
    options: Tuple[UciOption, ...] = ()
    line: int = 0
    anonymous_id: str = ""  # uci's internal name of an anonymous section ('cfg0a1b2c') when shown
    # no 'config' line was shown: options pasted on their own, the type read from them
    # ('option proto qmi' -> an interface); ``line`` is then the first option's line
    inferred: bool = False

    @property
    def package(self) -> str:
        return self.config

    @property
    def ref(self) -> str:
        """How ``uci`` addresses the section: 'network.wwan' or 'firewall.@zone[1]'."""
        local = self.name if self.name is not None else f"@{self.type}[{self.index}]"
        return f"{self.config}.{local}" if self.config else local

    def option(self, name: str) -> Optional[UciOption]:
        for candidate in self.options:
            if candidate.name == name:
                return candidate
        return None

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """An option's value (a list's values joined by spaces), or ``default``."""
        found = self.option(name)
        return found.value if found is not None else default

    def get_list(self, name: str) -> Tuple[str, ...]:
        """An option's values as a tuple (one item for a plain option, none when unset)."""
        found = self.option(name)
        return found.values if found is not None else ()

    def facts(self) -> Tuple[object, ...]:
        """What both the file form and ``uci show`` express: no line numbers, and list-ness
        only where ``uci show`` can show it (two or more values)."""
        return (
            self.config,
            self.name,
            self.type,
            self.index,
            tuple((option.name, option.values) for option in self.options),
        )


@dataclass(frozen=True)
class UciPackage:
    """One configuration file (``/etc/config/<name>``) or one ``package`` of an export."""

    name: str
    sections: Tuple[UciSection, ...] = ()
    line: int = 0
    inferred: bool = False  # the name was read from the section types, not shown (a bare 'cat')

    def section(self, name: str) -> Optional[UciSection]:
        """The named section, or one given as '@type[i]' (negative i counts from the end,
        as in uci)."""
        if name.startswith("@") and name.endswith("]") and "[" in name:
            stype, _, rest = name[1:-1].partition("[")
            try:
                position = int(rest)
            except ValueError:
                return None
            typed = self.sections_of(stype)
            if position < 0:
                return typed[position] if -len(typed) <= position else None
            # By the index the section carries: a 'uci show' fragment may hold @zone[2] alone.
            for candidate in typed:
                if candidate.index == position:
                    return candidate
            return None
        for candidate in self.sections:
            if candidate.name == name or (candidate.anonymous_id and candidate.anonymous_id == name):
                return candidate
        return None

    def sections_of(self, stype: str) -> Tuple[UciSection, ...]:
        return tuple(section for section in self.sections if section.type == stype)

    def get(self, section: str, option: str, default: Optional[str] = None) -> Optional[str]:
        found = self.section(section)
        return found.get(option, default) if found is not None else default


@dataclass(frozen=True)
class UciConfig:
    """Everything one UCI output showed: one package for ``cat``, several for ``uci show``
    without an argument or ``uci export``."""

    packages: Tuple[UciPackage, ...] = ()

    @property
    def sections(self) -> Tuple[UciSection, ...]:
        """Every section of every package, in the order shown."""
        return tuple(section for package in self.packages for section in package.sections)

    def package(self, name: str) -> Optional[UciPackage]:
        for candidate in self.packages:
            if candidate.name == name:
                return candidate
        return None

    def section(self, config: str, name: str) -> Optional[UciSection]:
        found = self.package(config)
        return found.section(name) if found is not None else None

    def sections_of(self, config: str, stype: str) -> Tuple[UciSection, ...]:
        found = self.package(config)
        return found.sections_of(stype) if found is not None else ()

    def get(self, config: str, section: str, option: str, default: Optional[str] = None) -> Optional[str]:
        found = self.package(config)
        return found.get(section, option, default) if found is not None else default
