"""Files and commands the plan hands to the user: each builder returns text, nothing runs.

Every value that reaches shell, UCI or AT goes through ``plan.quote``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

from .quote import shell_quote, uci_name, uci_value

HOTPLUG_DIR = "/etc/hotplug.d/usb"
SYSUPGRADE_CONF = "/etc/sysupgrade.conf"


def config_switch_hotplug(vid: int, pid: int, config: int, label: str, sysfs: str = "/sys") -> str:
    """A /etc/hotplug.d/usb script that selects USB configuration ``config`` on every plug-in.

    procd runs hotplug.d scripts with the kernel's uevent variables; for a whole USB
    device DEVTYPE is usb_device and PRODUCT is '%x/%x/%x' (vid/pid/bcdDevice, no
    leading zeros). Writing bConfigurationValue makes the kernel unbind the old
    configuration's drivers and bind the new ones, exactly as the manual echo does.
    """
    product = f"{vid:x}/{pid:x}/*"
    return f"""#!/bin/sh
# Written by modem-doctor: keep {label} ({vid:04x}:{pid:04x}) in USB configuration {config}.
# Linux picks another configuration by itself at every boot and re-plug.
[ "$ACTION" = add ] || exit 0
[ "$DEVTYPE" = usb_device ] || exit 0
case "$PRODUCT" in
	{product}) ;;
	*) exit 0 ;;
esac
value={shell_quote(sysfs)}"$DEVPATH/bConfigurationValue"
[ "$(cat "$value" 2>/dev/null)" = {config} ] && exit 0
echo {config} > "$value"
logger -t modem-doctor "selected USB configuration {config} for {vid:04x}:{pid:04x} at $DEVPATH"
"""


def keep_on_upgrade(paths: Iterable[str]) -> Tuple[str, ...]:
    """Commands adding files to /etc/sysupgrade.conf once, so sysupgrade keeps them."""
    return tuple(
        f"grep -qxF {shell_quote(path)} {SYSUPGRADE_CONF} || echo {shell_quote(path)} >> {SYSUPGRADE_CONF}"
        for path in paths
    )


def install_file_commands(path: str, content: str, mode: str = "0755") -> Tuple[str, ...]:
    """Shell that writes ``content`` to ``path`` with a quoted here-document (no expansion)."""
    marker = "MODEM_DOCTOR_EOF"
    while marker in content:
        marker += "_"
    directory = path.rsplit("/", 1)[0] or "/"
    body = content if content.endswith("\n") else content + "\n"
    return (
        f"mkdir -p {shell_quote(directory)}",
        f"cat > {shell_quote(path)} <<'{marker}'\n{body}{marker}",
        f"chmod {mode} {shell_quote(path)}",
    )


@dataclass(frozen=True)
class UciChange:
    """One line of a ``uci batch``: set, add_list, del_list, delete, or commit."""

    verb: str
    target: str  # 'network.wwan.apn', 'firewall.@zone[1].network', 'network'
    value: Optional[str] = None

    def render(self) -> str:
        if self.value is None:
            return f"{self.verb} {self.target}"
        return f"{self.verb} {self.target}={uci_value(self.value)}"


def interface_changes(section: str, options: Sequence[Tuple[str, str]]) -> Tuple[UciChange, ...]:
    """UCI changes that (re)create ``network.<section>`` as an interface with ``options``."""
    uci_name(section, "interface name")
    changes = [UciChange("set", f"network.{section}", "interface")]
    for name, value in options:
        changes.append(UciChange("set", f"network.{section}.{uci_name(name, 'UCI option')}", value))
    return tuple(changes)


def uci_batch_command(changes: Sequence[UciChange], commit: Sequence[str]) -> str:
    """One shell command running ``uci batch`` over a quoted here-document."""
    lines = [change.render() for change in changes] + [f"commit {uci_name(pkg, 'UCI package')}" for pkg in commit]
    return "uci batch <<'EOF'\n" + "\n".join(lines) + "\nEOF"


def wan_zone_commands(interface: str, zone_section: Optional[str]) -> Tuple[str, ...]:
    """Put ``interface`` into the firewall zone named 'wan' (idempotent).

    When the listing told us which section is the wan zone we name it; otherwise the
    command finds it on the router, since '@zone[1]' is only the default position.
    """
    uci_name(interface, "interface name")
    if zone_section:
        target = f"firewall.{zone_section}.network"
        return (
            f"uci -q del_list {target}={uci_value(interface)}; uci add_list {target}={uci_value(interface)}",
            "uci commit firewall",
            "service firewall reload",
        )
    find = "zone=$(uci show firewall | sed -n \"s/^firewall\\.\\([^.]*\\)\\.name='wan'$/\\1/p\" | head -n 1)"
    return (
        find,
        f'[ -n "$zone" ] && {{ uci -q del_list "firewall.$zone.network={interface}"; '
        f'uci add_list "firewall.$zone.network={interface}"; }}',
        "uci commit firewall",
        "service firewall reload",
    )
