"""One host's state as read from everything the user gave: pastes, files, captures.

Every parsed result stays tied to the ``Artifact`` it came from (a paste block or a
captured file) and keeps the order it was seen in. Order matters: a forum thread often
holds the same listing several times, taken before and after the user changed something
(the MU609 case has three USB listings: two before a manual configuration switch and one
after), so "the latest listing" is the last one in reading order, never a merge.

Parsed values are whatever the registered parser returns (``UsbListing``, ``KernelLog``,
...); the host only groups them by area. Accessors read them by attribute so that a
parser's model can grow without this module changing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .common import Line, Unparsed, to_jsonable
from .system import SystemInfo, merge_system_info
from .system import release_series as _series
from .usb import UsbDevice, UsbListing

SCHEMA = "modem-doctor/host/1"

# Which area each parser kind belongs to. A kind missing here (a parser added later)
# lands in ``other`` rather than being dropped.
AREAS: Dict[str, str] = {
    "usb_debugfs": "usb",
    "usb_devices": "usb",
    "lsusb": "usb",
    "lsusb_tree": "usb",
    "lsusb_verbose": "usb",
    "dmesg": "logs",
    "logread": "logs",
    "opkg_list": "packages",
    "apk_list": "packages",
    "opkg_errors": "package_problems",
    "uci_config": "uci",
    "uci_show": "uci",
    "openwrt_release": "system",
    "ubus_board": "system",
    "uname": "system",
    "ip_addr": "network",
    "ip_route": "network",
    "ifconfig": "network",
    "ifstatus": "network",
    "ls_dev": "network",
    "luci_errors": "network",
    "ping": "network",
    "nslookup": "network",
    "at_transcript": "modem",
    "qmicli": "modem",
    "uqmi": "modem",
    "mbimcli": "modem",
    "mmcli": "modem",
    "qmi_raw_ip": "network",
}

AREA_NAMES: Tuple[str, ...] = (
    "usb",
    "logs",
    "packages",
    "package_problems",
    "uci",
    "system",
    "network",
    "modem",
    "other",
)


@dataclass(frozen=True)
class Artifact:
    """Where a piece of evidence came from: one block of a paste, or one captured file.

    ``id`` is what findings cite (``Evidence.artifact``); line numbers are those of the
    user's original text, so ``first_line``/``last_line`` locate the block in it.
    """

    id: str
    kind: str
    source: str  # file name, '-' for stdin, 'example:NAME'
    command: Optional[str] = None  # the command shown before the output, if any
    first_line: int = 0
    last_line: int = 0


@dataclass(frozen=True)
class ShellCommand:
    """A command the user shows having run (with or without a prompt)."""

    line: int
    text: str
    prompt_shown: bool = False
    source: str = ""


@dataclass(frozen=True)
class StatedFact:
    """Something the user only says in words: 'my EC25-E', 'OpenWrt 23.05', 'no PIN'.

    ``kind`` is one of ``STATED_KINDS``; ``value`` is normalised (see extract.statements):
    'sim_pin' is 'none' or 'enabled'; yes/no kinds are 'yes'.
    """

    kind: str
    value: str
    line: int
    text: str  # the whole line it was read from, for citing
    source: str = ""


STATED_KINDS: Tuple[str, ...] = (
    "modem_model",
    "router_model",  # as an OpenWrt board name: 'zbtlink,zbt-we826-32m'
    "openwrt_release",
    "sim_pin",
    "apn",
    "only_uplink",
    "package_installed",
    "reboot_reverts",
    "asks_image",  # the user asks how to build a firmware image
    "tethered_subnet",  # a tethered device's fixed subnet: '192.168.1.0/24'
)


@dataclass(frozen=True)
class Found:
    """One parsed result and the artifact it came from."""

    artifact: str  # Artifact.id
    kind: str  # parser kind
    value: Any  # what the parser returned (Parsed.value)


@dataclass(frozen=True)
class ArtifactUnparsed:
    """Lines of one artifact that its parser could not use."""

    artifact: str
    lines: Tuple[Unparsed, ...]


@dataclass(frozen=True)
class LoadProblem:
    """A block that was recognised but could not be parsed at all (the parser refused it)."""

    artifact: str
    message: str


@dataclass(frozen=True)
class Host:
    """Everything read about one host, grouped by area, each area in the order seen."""

    sources: Tuple[str, ...] = ()
    artifacts: Tuple[Artifact, ...] = ()
    usb: Tuple[Found, ...] = ()
    logs: Tuple[Found, ...] = ()
    packages: Tuple[Found, ...] = ()
    package_problems: Tuple[Found, ...] = ()
    uci: Tuple[Found, ...] = ()
    system: Tuple[Found, ...] = ()
    network: Tuple[Found, ...] = ()
    modem: Tuple[Found, ...] = ()  # ModemSession values: AT, qmicli, uqmi, mbimcli, mmcli
    other: Tuple[Found, ...] = ()
    commands: Tuple[ShellCommand, ...] = ()
    facts: Tuple[StatedFact, ...] = ()
    unparsed: Tuple[ArtifactUnparsed, ...] = ()
    problems: Tuple[LoadProblem, ...] = ()
    # The text of each artifact's lines, for quoting cited lines; left out of JSON output
    # (the input itself is not part of the model).
    artifact_lines: Tuple[Tuple[str, Tuple[Line, ...]], ...] = field(
        default=(), repr=False, compare=False, metadata={"json": False}
    )

    # ----- generic -------------------------------------------------------------------

    def artifact(self, artifact_id: str) -> Optional[Artifact]:
        for candidate in self.artifacts:
            if candidate.id == artifact_id:
                return candidate
        return None

    def found(self) -> Tuple[Found, ...]:
        """Every parsed result, in the order the artifacts were seen."""
        order = {artifact.id: index for index, artifact in enumerate(self.artifacts)}
        everything: List[Found] = []
        for area in AREA_NAMES:
            everything.extend(getattr(self, area))
        return tuple(sorted(everything, key=lambda item: order.get(item.artifact, len(order))))

    def of_kind(self, *kinds: str) -> Tuple[Found, ...]:
        wanted = set(kinds)
        return tuple(item for item in self.found() if item.kind in wanted)

    def unparsed_count(self, artifact_id: str) -> int:
        return sum(len(item.lines) for item in self.unparsed if item.artifact == artifact_id)

    @property
    def is_empty(self) -> bool:
        """True when nothing recognisable was read (no artifact, no command, no fact)."""
        return not (self.artifacts or self.commands or self.facts)

    def line_text(self, artifact_id: str, number: int) -> str:
        """The text of line ``number`` of an artifact as it was read; '' when unknown."""
        for candidate, lines in self.artifact_lines:
            if candidate == artifact_id:
                for line in lines:
                    if line.number == number:
                        return line.text
                break
        return ""

    def to_json(self) -> Dict[str, Any]:
        data = to_jsonable(self)
        data["schema"] = SCHEMA
        return data

    # ----- USB ---------------------------------------------------------------------

    def usb_listings(self) -> Tuple[Tuple[str, UsbListing], ...]:
        """(artifact id, listing) for every USB listing, in the order seen."""
        return tuple(
            (item.artifact, item.value) for item in self.usb if isinstance(item.value, UsbListing)
        )

    def latest_usb_listing(self, with_configs: bool = False) -> Optional[Tuple[str, UsbListing]]:
        """The last USB listing seen; with ``with_configs`` only listings that show
        configurations (debugfs, usb-devices, lsusb -v), since ``lsusb`` alone shows IDs only."""
        for artifact_id, listing in reversed(self.usb_listings()):
            if not with_configs or any(device.configs for device in listing.devices):
                return (artifact_id, listing)
        return None

    def usb_devices(self, vid_pid: Optional[str] = None) -> Tuple[Tuple[str, UsbDevice], ...]:
        """(artifact id, device) for every device in every listing, optionally only one
        'vvvv:pppp' (any case), in the order seen. The same physical device appears once
        per listing that shows it."""
        wanted = vid_pid.lower() if vid_pid else None
        result: List[Tuple[str, UsbDevice]] = []
        for artifact_id, listing in self.usb_listings():
            for device in listing.devices:
                if wanted is None or device.vid_pid == wanted:
                    result.append((artifact_id, device))
        return tuple(result)

    def usb_ids(self) -> Tuple[str, ...]:
        """Every distinct 'vvvv:pppp' seen, in the order first seen."""
        seen: Dict[str, None] = {}
        for _, device in self.usb_devices():
            seen.setdefault(device.vid_pid, None)
        return tuple(seen)

    # ----- logs --------------------------------------------------------------------

    def log_events(self, *kinds: Any) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, LogEvent) for every event of every log, in the order seen;
        only the given ``LogEventKind`` values (or their string values) when given."""
        wanted = {getattr(kind, "value", kind) for kind in kinds}
        result: List[Tuple[str, Any]] = []
        for item in self.logs:
            for event in getattr(item.value, "events", ()) or ():
                kind_value = getattr(getattr(event, "kind", None), "value", getattr(event, "kind", None))
                if not wanted or kind_value in wanted:
                    result.append((item.artifact, event))
        return tuple(result)

    # ----- packages ----------------------------------------------------------------

    def installed_packages(self) -> Tuple[str, ...]:
        """Names of packages a package list shows installed, sorted; empty when no list
        was given (which is not the same as nothing installed: see ``has_package_list``)."""
        names = set()
        for item in self.packages:
            for package in _items(item.value, "packages"):
                name = getattr(package, "name", package if isinstance(package, str) else None)
                if name:
                    names.add(str(name))
        return tuple(sorted(names))

    @property
    def has_package_list(self) -> bool:
        return bool(self.packages)

    def package_problems_found(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, PackageProblem) for what opkg/apk said went wrong, in the order seen."""
        return tuple((item.artifact, problem) for item in self.package_problems for problem in _items(item.value, "problems"))

    def stated_packages(self) -> Tuple[str, ...]:
        """Packages the user says are installed, in the order said."""
        seen: Dict[str, None] = {}
        for fact in self.facts_of("package_installed"):
            seen.setdefault(fact.value, None)
        return tuple(seen)

    # ----- network -----------------------------------------------------------------

    def net_interfaces(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, NetInterface) from every ip addr/ip link/ifconfig output, in the order seen."""
        return tuple((item.artifact, iface) for item in self.network for iface in _items(item.value, "interfaces"))

    def routes(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, Route) from every ip route output."""
        return tuple((item.artifact, route) for item in self.network for route in _items(item.value, "routes")
                     if item.kind == "ip_route")

    def interface_statuses(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, IfStatus) from every ifstatus / ubus network.interface output."""
        return tuple((item.artifact, status) for item in self.network for status in _items(item.value, "statuses"))

    def dev_entries(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, DevEntry) for every name a directory listing showed (ls /dev ...)."""
        return tuple((item.artifact, entry) for item in self.network for entry in _items(item.value, "entries"))

    # ----- UCI ---------------------------------------------------------------------

    def uci_sections(self) -> Tuple[Tuple[str, Any], ...]:
        """(artifact id, section) for every UCI section shown, in the order seen."""
        result: List[Tuple[str, Any]] = []
        for item in self.uci:
            for section in _items(item.value, "sections"):
                result.append((item.artifact, section))
        return tuple(result)

    def uci_merged(self) -> Dict[str, Dict[str, Dict[str, Any]]]:
        """config -> section name -> option -> value, later artifacts overriding earlier
        ones (a user who shows /etc/config/network twice changed it in between).
        Anonymous sections are named '@type[index]' as ``uci show`` names them."""
        merged: Dict[str, Dict[str, Dict[str, Any]]] = {}
        for _, section in self.uci_sections():
            config = str(getattr(section, "config", "") or "")
            name = str(getattr(section, "name", "") or "")
            if not name:
                stype = getattr(section, "type", "") or getattr(section, "stype", "")
                name = f"@{stype}[{getattr(section, 'index', 0)}]"
            options = merged.setdefault(config, {}).setdefault(name, {})
            stype = getattr(section, "type", None) or getattr(section, "stype", None)
            if stype:
                options[".type"] = stype
            for key, value in _option_pairs(section):
                options[key] = value
        return merged

    # ----- system ------------------------------------------------------------------

    def system_info(self) -> SystemInfo:
        """What /etc/openwrt_release, ubus system board, uname and /proc/version say,
        merged; where two outputs disagree the one seen last wins (it is the newer)."""
        cached = self.__dict__.get("_system_info")  # rules ask many times; the host never changes
        if cached is None:
            infos = [item.value for item in reversed(self.system) if isinstance(item.value, SystemInfo)]
            cached = merge_system_info(*infos)
            object.__setattr__(self, "_system_info", cached)
        return cached

    def release(self) -> Optional[str]:
        """The OpenWrt release ('23.05.2', 'SNAPSHOT'): from the outputs, else from what
        the user says (the last release named wins: 'installed 23.05.0, then reverted to
        22.03.5')."""
        shown = self.system_info().release
        if shown:
            return shown
        stated = self.facts_of("openwrt_release")
        return stated[-1].value if stated else None

    def release_series(self) -> Optional[str]:
        """'23.05' for '23.05.2' or '23.05-SNAPSHOT'; 'snapshot' for a snapshot; None when
        unknown. ``model.system.release_series`` decides, for shown and stated releases alike."""
        info = self.system_info()
        if info.release or info.description:
            return _series(info.release, info.description) or None  # 'Barrier Breaker 14.07'
        return release_series(self.release())

    def board_name(self) -> Optional[str]:
        return self.system_info().board_name or None

    def kernel_version(self) -> Optional[str]:
        return self.system_info().kernel or None

    # ----- what the user says ------------------------------------------------------

    def facts_of(self, kind: str) -> Tuple[StatedFact, ...]:
        return tuple(fact for fact in self.facts if fact.kind == kind)

    def commands_matching(self, pattern: str) -> Tuple[ShellCommand, ...]:
        """Shell commands whose text matches the regular expression ``pattern``."""
        compiled = re.compile(pattern)
        return tuple(command for command in self.commands if compiled.search(command.text))


def release_series(release: Optional[str]) -> Optional[str]:
    """The release branch of ``release`` (see ``model.system.release_series``), None when unknown."""
    if not release:
        return None
    return _series(release) or None


def _items(value: Any, attribute: str) -> Iterator[Any]:
    """The collection ``value.attribute`` (or ``value`` itself when it is a tuple)."""
    items = getattr(value, attribute, None)
    if items is None and isinstance(value, (tuple, list)):
        items = value
    if isinstance(items, dict):
        items = items.values()
    for item in items or ():
        yield item


def _option_pairs(section: Any) -> Iterator[Tuple[str, Any]]:
    options = getattr(section, "options", ())
    if isinstance(options, dict):
        yield from options.items()
        return
    for option in options or ():
        if isinstance(option, tuple) and len(option) == 2:
            yield option[0], option[1]
        else:
            key = getattr(option, "name", None) or getattr(option, "key", None)
            if key:
                values = getattr(option, "values", None)
                if isinstance(values, tuple) and not getattr(option, "is_list", False) and len(values) == 1:
                    yield str(key), values[0]
                else:
                    yield str(key), values if values is not None else getattr(option, "value", None)
