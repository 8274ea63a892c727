"""The fix as ordered steps: packages (or a custom image), the mode switch and how it
survives a reboot, the netifd interface, the firewall zone, and how to check each.

Pure: reads the diagnosis context and the findings, writes nothing. Every value that
goes into shell, UCI or AT passes through ``plan.quote``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from ..knowledge import packages
from ..model.findings import Finding, Plan, PlanFile, Step, StepKind
from ..rules.context import Context, ModemFacts
from .quote import is_valid_apn, is_valid_pin, shell_quote
from .snippets import (
    HOTPLUG_DIR,
    config_switch_hotplug,
    install_file_commands,
    interface_changes,
    keep_on_upgrade,
    uci_batch_command,
    wan_zone_commands,
)

APN_PLACEHOLDER = "YOUR-APN"  # not a valid APN on purpose: qmi.sh then fails loudly
UCI_DEFAULTS = "/etc/uci-defaults/90-modem-doctor"

# Newest point release of each series, for a fresh image (openwrt-stack.md section 5).
LATEST_POINT_RELEASE = {"23.05": "23.05.6", "24.10": "24.10.8", "25.12": "25.12.5"}

# Findings whose evidence says the router cannot download packages itself.
OFFLINE_CODES = ("PKG001",)


def build_plan(ctx: Context, findings: Sequence[Finding]) -> Plan:
    """The plan for the first modem that has a recommendation (one modem per router is
    the common case; with several, each gets its own interface name)."""
    steps: List[Step] = []
    all_packages: List[str] = []
    notes: List[str] = []
    plannable = [m for m in ctx.modems if m.explanation.recommended.netifd_proto or m.explanation.switch.kind != "none"]
    for index, modem in enumerate(plannable):
        interface = _interface_name(ctx, modem, index)
        modem_steps, needed = _modem_steps(ctx, modem, interface, findings)
        steps.extend(modem_steps)
        all_packages.extend(p for p in needed if p not in all_packages)
    if ctx.release_inferred and steps:
        notes.append(
            f"OpenWrt {ctx.release_series} was inferred from kernel {ctx.kernel} in your listing; "
            "post `cat /etc/openwrt_release` to confirm."
        )
    return Plan(packages=tuple(all_packages), steps=tuple(steps), notes=tuple(notes))


# ----- one modem ---------------------------------------------------------------------


def _modem_steps(
    ctx: Context, modem: ModemFacts, interface: str, findings: Sequence[Finding]
) -> Tuple[List[Step], Tuple[str, ...]]:
    e = modem.explanation
    rec = e.recommended
    series = ctx.release_series or rec.release
    needed = tuple(p for p in rec.packages if packages.available(p, series))
    installed = set(ctx.host.installed_packages()) | set(ctx.host.stated_packages())
    # Name every needed package the router lacks, not only the top of each DEPENDS chain:
    # the user sees what arrives, and the package manager skips what is there.
    missing = tuple(p for p in needed if p not in installed)
    offline = any(f.code in OFFLINE_CODES for f in findings) or bool(ctx.host.facts_of("only_uplink"))
    wants_image = offline or _asks_for_image(ctx)
    steps: List[Step] = []

    switch_files = _switch_files(modem)
    config_step = _configure_step(ctx, modem, interface)
    zone = _firewall_step(ctx, interface) if rec.netifd_proto else None
    if missing:
        install = _install_step(missing, series, installed_known=bool(installed))
        image = _image_step(ctx, modem, needed, switch_files, config_step, zone, series)
        if offline and image:
            steps.extend([image, _as_alternative(install, "if the router has another way online")])
        else:
            steps.append(install)
            if image and wants_image:
                steps.append(_as_alternative(image, "when opkg cannot download because the modem is the only uplink"))
    steps.extend(_switch_steps(ctx, modem, switch_files))
    if config_step:
        steps.append(config_step)
    if rec.netifd_proto:
        if zone:
            steps.append(zone)
        steps.append(_verify_step(modem, interface))
    return steps, needed


def _interface_name(ctx: Context, modem: ModemFacts, index: int) -> str:
    """Reuse the interface the user already made for this protocol (LuCI names it
    freely), else 'wwan', 'wwan2'..."""
    proto = modem.explanation.recommended.netifd_proto
    for name, options in ctx.host.uci_merged().get("network", {}).items():
        if options.get(".type") == "interface" and options.get("proto") == proto and not name.startswith("@"):
            return name
    return "wwan" if index == 0 else f"wwan{index + 1}"


def _asks_for_image(ctx: Context) -> bool:
    """The user asked how to build an image (the case thread does); the paste extractor's
    stated-fact table recognises the wording."""
    return bool(ctx.host.facts_of("asks_image"))


# ----- packages ----------------------------------------------------------------------


def _install_step(missing: Sequence[str], series: Optional[str], installed_known: bool) -> Step:
    commands = packages.install_commands(missing, series)
    rel = packages.release(series)
    why = (
        f"These provide the drivers and the protocol handler for the recommended data path; "
        f"{rel.package_manager} pulls in their dependencies."
    )
    if not installed_known:
        why += " No package list was shown, so this lists all of them; already installed ones are skipped."
    return Step(
        StepKind.INSTALL,
        f"Install {' '.join(missing)}",
        why=why,
        commands=commands,
        check=f"{rel.list_installed} | grep -E {shell_quote('^(' + '|'.join(missing) + ')( |-|$)')}",
        expect="one line per package",
    )


def _image_step(
    ctx: Context,
    modem: ModemFacts,
    needed: Sequence[str],
    switch_files: Tuple[PlanFile, ...],
    config_step: Optional[Step],
    zone_step: Optional[Step],
    series: Optional[str],
) -> Optional[Step]:
    board = ctx.host.board_name() or _stated(ctx, "router_model")
    if not board:
        return None
    version = _image_version(ctx, series)
    build = packages.imagebuilder(board, list(needed) + ["usbutils"], version)
    if build is None:
        return None
    defaults = _uci_defaults(config_step, zone_step, switch_files, modem)
    files = (PlanFile("files" + UCI_DEFAULTS, defaults, "0755"),) if defaults else ()
    return Step(
        StepKind.IMAGE,
        f"Build an image for {build.profile} that already has the modem packages",
        why=(
            f"An image built with {', '.join(needed)} and the script below works from the first boot, with "
            f"no download on the router. In the Firmware Selector ({build.firmware_selector}) pick your "
            "router, press 'Customize installed packages and/or first boot script', add the packages and "
            "paste the script below as the first boot script; or build the image on a Linux PC with the "
            "Image Builder, with the script saved as files/etc/uci-defaults/90-modem-doctor"
        ),
        commands=build.commands,
        files=files,
        check="cat /etc/openwrt_release; opkg list-installed | grep -E 'uqmi|qmi-wwan|serial-option'",
        expect="the new release, and the modem packages listed",
    )


def _image_version(ctx: Context, series: Optional[str]) -> str:
    """A full release for the Image Builder: the one running when it is shown, else the
    newest point release we know of in the series (any point release of a series works
    for a fresh image)."""
    release = ctx.release
    if release and release.count(".") >= 2:
        return release
    key = packages.release_key(series)
    return LATEST_POINT_RELEASE.get(key, key)


def _uci_defaults(
    config_step: Optional[Step], zone_step: Optional[Step], switch_files: Tuple[PlanFile, ...], modem: ModemFacts
) -> str:
    """A first-boot script for the image: installs the configuration-switch hotplug file,
    switches a modem that is already attached (coldplug ran before uci-defaults), and
    commits the interface and the wan zone before netifd and the firewall start."""
    if config_step is None and not switch_files:
        return ""
    body: List[str] = []
    for file in switch_files:
        body.extend(install_file_commands(file.path, file.content, "0644"))
        body.extend(keep_on_upgrade([file.path]))
    e = modem.explanation
    if switch_files and e.recommended.config is not None:
        config = e.recommended.config
        body.append(
            "for dev in /sys/bus/usb/devices/*; do "
            f'[ "$(cat "$dev/idVendor" 2>/dev/null)" = {e.vid} ] && [ "$(cat "$dev/idProduct")" = {e.pid} ] && '
            f'[ "$(cat "$dev/bConfigurationValue")" != {config} ] && echo {config} > "$dev/bConfigurationValue"; done'
        )
    if config_step is not None:
        body.extend(command for command in config_step.commands if not command.startswith("ifup "))
    if zone_step is not None:
        body.extend(command for command in zone_step.commands if not command.startswith("service "))
    return "#!/bin/sh\n# modem-doctor: first-boot set-up of the modem\n" + "\n".join(body) + "\nexit 0\n"


def _as_alternative(step: Step, when: str) -> Step:
    return Step(step.kind, step.title, f"Instead of the step before, {when}. {step.why}", step.commands,
                step.files, step.check, step.expect, alternative=True)


# ----- switch ------------------------------------------------------------------------


def _switch_files(modem: ModemFacts) -> Tuple[PlanFile, ...]:
    e = modem.explanation
    if e.switch.kind != "usb-config" or e.recommended.config is None:
        return ()
    name = " ".join(part for part in (e.vendor, e.model) if part) or "the modem"
    script = config_switch_hotplug(int(e.vid, 16), int(e.pid, 16), e.recommended.config, name)
    return (PlanFile(f"{HOTPLUG_DIR}/20-modem-doctor-{e.vid}-{e.pid}", script, "0644"),)


def _switch_steps(ctx: Context, modem: ModemFacts, files: Tuple[PlanFile, ...]) -> List[Step]:
    e = modem.explanation
    switch = e.switch
    if switch.kind == "none":
        return []
    if switch.kind == "usb-config" and files:
        path = files[0].path
        config = e.recommended.config
        already = ctx.config_now(modem) == config
        # Re-selecting an active configuration would drop a running connection: then only
        # the persistence is needed.
        commands = [] if already else list(switch.commands)
        for file in files:
            commands.extend(install_file_commands(file.path, file.content, "0644"))
        commands.extend(keep_on_upgrade([file.path for file in files]))
        usb = e.usb_path or "<usb-path>"
        return [
            Step(
                StepKind.SWITCH,
                f"Keep USB configuration {config} at every boot" if already
                else f"Select USB configuration {config} now and at every boot",
                why=(
                    f"{switch.reason}. Writing bConfigurationValue by hand lasts only until the next reboot "
                    f"or re-plug; the hotplug script {path} repeats it every time the modem appears, and "
                    "/etc/sysupgrade.conf keeps the script across firmware upgrades."
                ),
                commands=tuple(commands),
                check=f"cat /sys/bus/usb/devices/{usb}/bConfigurationValue; ls /dev/cdc-wdm* /dev/ttyUSB*",
                expect=f"{config}, then /dev/cdc-wdm0 and the ttyUSB ports" if e.recommended.data_path in ("qmi", "mbim")
                else f"{config}",
            )
        ]
    files_out: Tuple[PlanFile, ...] = ()
    if switch.usb_mode_json:
        import json

        files_out = (PlanFile("/etc/usb-mode.json (entry to merge)", json.dumps(switch.usb_mode_json, indent=2) + "\n"),)
    title = {
        "storage-eject": "Switch the modem out of CD-ROM (storage) mode",
        "vendor-mode": "Change the modem's USB mode with its AT command",
    }.get(switch.kind, "Switch the modem's mode")
    return [
        Step(
            StepKind.SWITCH,
            title,
            why=switch.reason + (f" {switch.caveat}" if switch.caveat else ""),
            commands=switch.commands,
            files=files_out,
            check="cat /sys/kernel/debug/usb/devices",
            expect=f"the modem with the interfaces of its {e.recommended.data_path} mode",
        )
    ]


# ----- configure ---------------------------------------------------------------------


def _stated(ctx: Context, kind: str) -> Optional[str]:
    facts = ctx.host.facts_of(kind)
    return facts[-1].value if facts else None


def _configure_step(ctx: Context, modem: ModemFacts, interface: str) -> Optional[Step]:
    e = modem.explanation
    proto = e.recommended.netifd_proto
    if not proto:
        return None
    existing = ctx.host.uci_merged().get("network", {}).get(interface, {})
    apn = _stated(ctx, "apn") or existing.get("apn") or ""
    notes: List[str] = []
    if apn and not is_valid_apn(str(apn)):
        notes.append(f"The APN {apn!r} is not a well-formed APN; check it with your operator.")
    options: List[Tuple[str, str]] = [("proto", proto)]
    options.extend(_proto_options(ctx, modem, str(apn) or APN_PLACEHOLDER))
    if not apn and any(name == "apn" for name, _ in options):
        notes.append(f"Replace {APN_PLACEHOLDER} with your operator's APN.")
    pin = _stated(ctx, "sim_pin")
    if pin and pin not in ("none", "disabled") and is_valid_pin(pin) and proto in ("qmi", "mbim", "ncm", "3g", "modemmanager"):
        options.append(("pincode", pin))
    changes = interface_changes(interface, options)
    command = uci_batch_command(changes, ["network"])
    why = _configure_why(modem, proto) + (" " + " ".join(notes) if notes else "")
    return Step(
        StepKind.CONFIGURE,
        f"Create the '{interface}' interface with protocol {proto}",
        why=why,
        commands=(command, f"ifup {interface}"),
        check=f"ifstatus {interface}",
        expect='"up": true, and no "errors" section',
    )


def _proto_options(ctx: Context, modem: ModemFacts, apn: str) -> List[Tuple[str, str]]:
    e = modem.explanation
    proto = e.recommended.netifd_proto
    three_g = e.radio in ("2g", "3g")
    if proto in ("qmi", "mbim"):
        options = [("device", "/dev/cdc-wdm0"), ("apn", apn), ("auth", "none"), ("pdptype", "ipv4")]
        if proto == "qmi" and three_g:
            # A 3G module must not be left with an LTE-only mode, and a slow 3G attach
            # overruns qmi.sh's default 10 s registration wait.
            options += [("modes", "umts,gsm"), ("timeout", "30")]
        return options
    if proto == "ncm":
        return [("device", f"/dev/{_at_tty(ctx, modem) or 'ttyUSB0'}"), ("apn", apn), ("pdptype", "IP"),
                ("mode", "umts" if three_g else "auto")]
    if proto == "3g":
        return [("device", f"/dev/{_at_tty(ctx, modem, role='modem') or 'ttyUSB0'}"), ("apn", apn),
                ("service", "umts")]
    if proto == "dhcp":
        return [("device", _netdev(ctx, modem) or "eth1")]
    if proto == "modemmanager":
        return [("device", f"/sys/bus/usb/devices/{e.usb_path}"), ("apn", apn), ("iptype", "ipv4")]
    return [("apn", apn)]


def _configure_why(modem: ModemFacts, proto: str) -> str:
    e = modem.explanation
    text = {
        "qmi": "OpenWrt's qmi protocol (uqmi) talks to the modem over /dev/cdc-wdm0 and brings up wwan0. "
               "pdptype 'ipv4' avoids the IPv6 call that fails the whole interface when the network offers no IPv6",
        "mbim": "OpenWrt's mbim protocol (umbim) talks to the modem over /dev/cdc-wdm0",
        "ncm": "The ncm protocol dials the modem's NCM function over its AT port",
        "3g": "The 3g protocol dials PPP over the modem port",
        "dhcp": "The modem presents itself as an Ethernet device that hands out an address by DHCP",
        "modemmanager": "ModemManager drives the modem and netifd brings up its bearer",
    }.get(proto, f"netifd protocol {proto}")
    if e.radio in ("2g", "3g") and proto == "qmi":
        text += f"; the {e.model} is a {e.radio.upper()} module, so network modes are limited to UMTS/GSM"
    return text + "."


def _at_tty(ctx: Context, modem: ModemFacts, role: str = "at") -> Optional[str]:
    """ttyUSBn of the port with ``role``: option numbers its ports in interface order."""
    config = next((c for c in modem.explanation.configs if c.number == modem.explanation.recommended.config), None)
    if config is None:
        return None
    serial = [i for i in config.interfaces if (i.driver_expected or "") in ("option", "qcserial", "sierra", "usb_wwan")]
    for index, iface in enumerate(sorted(serial, key=lambda i: i.number)):
        if iface.role == role:
            return f"ttyUSB{index}"
    return None


def _netdev(ctx: Context, modem: ModemFacts) -> Optional[str]:
    """The netdev the modem registered (dmesg 'register' events for its USB path)."""
    name: Optional[str] = None
    for _, event in ctx.host.log_events():
        kind = getattr(getattr(event, "kind", None), "value", "")
        if kind == "netdev_register" and str(getattr(event, "device", "")).startswith(modem.explanation.usb_path):
            name = getattr(event, "subject", None) or name
    return name


# ----- firewall and verify -----------------------------------------------------------


def _firewall_step(ctx: Context, interface: str) -> Optional[Step]:
    zones: Dict[str, Dict[str, object]] = {
        name: options
        for name, options in ctx.host.uci_merged().get("firewall", {}).items()
        if options.get(".type") == "zone"
    }
    wan_section = None
    for name, options in zones.items():
        if options.get("name") == "wan":
            wan_section = name
            networks = options.get("network") or ()
            if isinstance(networks, str):
                networks = tuple(networks.split())
            if interface in networks:  # type: ignore[operator]
                return None
    return Step(
        StepKind.FIREWALL,
        f"Put '{interface}' in the wan firewall zone",
        why="Without it the router may reach the Internet, but LAN clients get no masquerading or forwarding to it.",
        commands=wan_zone_commands(interface, wan_section),
        check="uci show firewall | grep network",
        expect=f"the wan zone's network list contains '{interface}'",
    )


def _verify_step(modem: ModemFacts, interface: str) -> Step:
    proto = modem.explanation.recommended.netifd_proto
    commands: List[str] = [f"ifstatus {interface}", "logread -e netifd -e qmi -e mbim | tail -n 30"]
    expect = f'ifstatus shows "up": true with an ipv4-address; the log ends with {interface} up'
    if proto == "qmi":
        commands.insert(1, "uqmi -d /dev/cdc-wdm0 --get-data-status")
        commands.insert(2, "uqmi -d /dev/cdc-wdm0 --get-serving-system")
        expect += '; uqmi prints "connected" and "registration": "registered"'
    commands.append("ping -c 3 -I wwan0 1.1.1.1" if proto in ("qmi", "mbim") else "ping -c 3 1.1.1.1")
    return Step(
        StepKind.VERIFY,
        "Check that the connection works",
        why="Each command shows one layer: the interface, the modem's own view, the log, and real traffic.",
        commands=tuple(commands),
        check=commands[0],
        expect=expect,
    )
