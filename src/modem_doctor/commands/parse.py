"""``modem-doctor parse FILE ...|- [--format text|json] [--example NAME]``: show what was
recognised in pasted or saved output, block by block, before any diagnosis."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..errors import InputError
from ..load import load_example, load_paths
from ..model.host import Artifact, Found, Host
from ..model.usb import DriverState, UsbDevice, UsbListing
from .share import share_json, share_text

HELP = "show what was recognised in pasted or saved output"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="text to read; '-' for standard input")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--example", metavar="NAME", help="read a bundled example instead of FILE")
    parser.add_argument("--share", action="store_true",
                        help="remove IMEI, IMSI, ICCID, phone numbers, serials, MACs, public IPs, passwords and PINs")


def run(args: argparse.Namespace) -> int:
    if args.example and args.files:
        raise InputError(args.example, "give either FILE or --example, not both")
    if args.example:
        host = load_example(args.example)
        names: Sequence[str] = (f"example:{args.example}",)
    else:
        if not args.files and sys.stdin is not None and sys.stdin.isatty():
            # nothing piped in: waiting for a terminal would look like a hang
            raise InputError("-", "give a FILE, '-' to read standard input, or --example NAME")
        host = load_paths(args.files or ["-"])
        names = args.files or ["-"]
    if host.is_empty:
        raise InputError(
            ", ".join(names),
            "nothing recognisable: no command output, shell command or modem detail was found",
        )
    if args.format == "json":
        document = host.to_json()
        text = share_json(document) if args.share else json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    else:
        text = render_text(host)
        if args.share:
            text = share_text(text)
    sys.stdout.write(text)
    return 0


# ----- text rendering ----------------------------------------------------------------


def render_text(host: Host) -> str:
    out: List[str] = []
    found = {item.artifact: item for item in host.found()}
    problems = {problem.artifact: problem.message for problem in host.problems}
    heading = host.sources[0] if len(host.sources) == 1 else f"{len(host.sources)} inputs"
    out.append(
        f"{heading}: {len(host.artifacts)} block(s), {len(host.commands)} command(s), {len(host.facts)} stated fact(s)"
    )
    current = None
    for index, artifact in enumerate(host.artifacts, 1):
        if len(host.sources) > 1 and artifact.source != current:
            current = artifact.source
            out.append("")
            out.append(f"== {current}")
        out.append("")
        out.append(_heading(index, artifact))
        item = found.get(artifact.id)
        if item is not None:
            out.extend("    " + line for line in summarise(item))
        if artifact.id in problems:
            out.append(f"    not parsed: {problems[artifact.id]}")
        out.append(f"    unparsed lines: {host.unparsed_count(artifact.id)}")
    several = len(host.sources) > 1
    if host.commands:
        out.append("")
        out.append("Commands shown ($: after a prompt):")
        for command in host.commands:
            marker = "$ " if command.prompt_shown else "  "
            out.append(f"  {_where(command.source, command.line, several)}: {marker}{command.text}")
    if host.facts:
        out.append("")
        out.append("Stated in words:")
        for fact in host.facts:
            out.append(f"  {_where(fact.source, fact.line, several)}: {fact.kind} = {fact.value}")
    if any(device.configs for _, listing in host.usb_listings() for device in listing.devices):
        out.append("")
        out.append(
            "Key: interface:class/subclass/protocol=driver; '*' the active configuration, '-' an interface "
            "of an inactive one, '(none)' no driver bound, '?' not shown by this listing."
        )
    return "\n".join(out) + "\n"


def _where(source: str, line: int, several: bool) -> str:
    return f"{source}:{line}" if several else f"line {line:>5}"


def _heading(index: int, artifact: Artifact) -> str:
    lines = f"lines {artifact.first_line}-{artifact.last_line}"
    command = f"  `{artifact.command}`" if artifact.command else ""
    return f"[{index}] {artifact.kind}  {lines}{command}"


def summarise(item: Found) -> List[str]:
    """A few lines saying what a parsed block holds."""
    value = item.value
    if isinstance(value, UsbListing):
        return _usb_summary(value)
    if hasattr(value, "events") and hasattr(value, "entries"):
        return _log_summary(value)
    if item.kind in ("opkg_list", "apk_list"):
        packages = getattr(value, "packages", ())
        return [f"{len(packages)} package(s)"]
    if item.kind == "opkg_errors":
        problems = getattr(value, "problems", ())
        counts = Counter(_enum_value(getattr(problem, "kind", "?")) for problem in problems)
        return [f"{len(problems)} problem(s)" + (": " + _counts(counts) if counts else "")]
    if item.kind in ("uci_config", "uci_show"):
        result = []
        for package in getattr(value, "packages", ()):
            result.append(f"config {package.name or '?'}: {len(package.sections)} section(s)")
        return result or ["no sections"]
    return _generic_summary(value)


def _device_label(device: UsbDevice) -> str:
    # lsusb -t shows no IDs: name the device by where it sits instead of '0000:0000'
    if device.vendor_id == 0 and device.product_id == 0:
        return f"device {device.path or '?'}"
    return f"{device.vid_pid} at {device.path}" if device.path else device.vid_pid


def _usb_summary(listing: UsbListing) -> List[str]:
    lines = [f"{len(listing.devices)} device(s): " + ", ".join(_device_label(device) for device in listing.devices)]
    for device in listing.devices:
        if device.is_hub:
            continue
        name = " ".join(part for part in (device.manufacturer, device.product) if part)
        if not device.configs and not name:
            continue  # nothing to add to the list above
        lines.append(f"{_device_label(device)}{(' ' + name) if name else ''}")
        if not device.configs:
            continue
        active = device.active_config
        if any(config.number for config in device.configs):  # lsusb -t does not number them
            numbers = ", ".join(str(config.number) for config in device.configs)
            lines.append(f"  configurations: {numbers}; active: {active.number if active else 'none shown'}")
        for config in device.configs:
            marker = "*" if config.active else " "
            parts = []
            for interface in config.interfaces:
                parts.append(f"{interface.number}:{interface.triple}={_driver_text(interface.driver_state, interface.driver)}")
            label = f"config {config.number}" if config.number else "active configuration"
            lines.append(f"  {marker}{label}: " + " ".join(parts))
    return lines


def _driver_text(state: DriverState, driver: Optional[str]) -> str:
    if state == DriverState.BOUND and driver:
        return driver
    if state == DriverState.UNBOUND:
        return "(none)"
    if state == DriverState.INACTIVE:
        return "-"
    return "?"


def _log_summary(log: Any) -> List[str]:
    entries = getattr(log, "entries", ())
    events = getattr(log, "events", ())
    counts = Counter(_enum_value(event.kind) for event in events)
    lines = [f"{len(entries)} line(s), {len(events)} event(s)" + (": " + _counts(counts) if counts else "")]
    for event in events[:12]:
        when = f"{event.time:.6f}" if getattr(event, "time", None) is not None else (event.wallclock or "-")
        what = " ".join(part for part in (event.driver, event.interface or event.device, event.subject) if part)
        lines.append(f"  {when:>14}  {_enum_value(event.kind)}  {what}".rstrip())
    if len(events) > 12:
        lines.append(f"  ... {len(events) - 12} more")
    return lines


def _generic_summary(value: Any) -> List[str]:
    """For parsers this command has no special summary for: the sizes of what they found."""
    parts: List[str] = []
    fields: Dict[str, Any] = getattr(value, "__dataclass_fields__", {})
    for name in fields:
        item = getattr(value, name, None)
        if isinstance(item, tuple):
            if item:
                parts.append(f"{name}: {len(item)}")
        elif isinstance(item, (str, int, float)) and item not in ("", None) and not isinstance(item, bool):
            text = str(_enum_value(item))
            if len(text) <= 60:
                parts.append(f"{name}={text}")
        if len(parts) >= 8:
            break
    return [", ".join(parts) if parts else type(value).__name__]


def _counts(counter: "Counter[str]") -> str:
    pairs: List[Tuple[str, int]] = sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))
    return ", ".join(f"{name} {count}" for name, count in pairs)


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)

