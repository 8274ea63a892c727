"""USB001 modem-in-storage-mode

## What it detects
A modem that is still in its mass-storage (virtual CD-ROM) mode, from either source:

- a USB listing shows an ID that usb-modeswitch-data knows as a storage mode to switch
  away from (12d1:1f01, 19d2:2000, 05c6:f000...), its interface 0 (when shown) being
  ``Cls=08(stor.)``;
- the kernel log shows ``usb-storage`` taking interface 0 of a USB device followed by a
  ``CD-ROM`` from a modem maker (HUAWEI, ZTE...) or an ID usb-modeswitch knows, and no
  serial or network driver for that device afterwards.

A modem that shows a CD-ROM or card reader next to its serial and network interfaces
(interface 3 of a Huawei E398, say) has been switched already and is not reported.

## Why it matters
In storage mode the modem has no serial or network function at all: no ttyUSB, no
cdc-wdm, nothing for a driver to bind. Something has to send it the switch message
first. On OpenWrt that is ``usbmode`` from the ``usb-modeswitch`` package, which reads
``/etc/usb-mode.json`` (not usb_modeswitch.d files).

## Evidence
The listing line of the device (its ``C:``/``I:`` lines when shown), or the log lines of
the storage and CD-ROM detection.

## Fix
Install ``usb-modeswitch``; if ``/etc/usb-mode.json`` has no entry for the ID, add one
(the plan writes it when usb-modeswitch-data has the switch message); then install the
driver for the mode it switches to.
"""

from __future__ import annotations

from typing import Iterator, List, Optional, Set, Tuple

from ..knowledge import catalog, modeswitch, packages
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context, ModemFacts

# What a modem's (or its switch target's) presence as a modem looks like in a kernel log.
MODEM_EVENTS = (
    LogEventKind.SERIAL_CONVERTER,
    LogEventKind.TTY_ATTACHED,
    LogEventKind.NETDEV_REGISTER,
    LogEventKind.CDC_WDM,
)
GONE_EVENTS = (LogEventKind.DISCONNECT, LogEventKind.NEW_DEVICE)


def check(ctx: Context) -> Iterator[Finding]:
    reported: Set[str] = set()
    for modem in ctx.modems:
        if not modem.explanation.storage_mode:
            continue
        reported.add(modem.explanation.usb_path)
        yield _from_listing(ctx, modem)
    yield from _from_logs(ctx, reported)


def _targets_text(vid_pid: str) -> Tuple[str, Tuple[str, ...]]:
    targets: List[str] = []
    for entry in modeswitch.lookup(vid_pid):
        targets.extend(entry.targets)
    targets = list(dict.fromkeys(targets))
    names = []
    for target in targets:
        info = catalog.identify(target)
        names.append(f"{target} ({info.vendor} {info.model})" if info else target)
    return ", ".join(names), tuple(targets)


# The driver each data path needs once the modem has switched (kmods from knowledge.packages).
PATH_DRIVERS = {"hilink": "cdc_ether", "ecm": "cdc_ether", "rndis": "rndis_host", "qmi": "qmi_wwan",
                "mbim": "cdc_mbim", "ncm": "cdc_ncm", "ppp": "option"}


def _after_switch(vid_pid: str) -> str:
    """'then install ...': the kmods of the data paths the catalog knows for the target IDs."""
    _, targets = _targets_text(vid_pid)
    kmods = []
    for target in targets:
        for info in catalog.lookup(target):
            for composition in info.compositions_for(target):
                kmod = packages.kmod_for_driver(PATH_DRIVERS.get(composition.data_path))
                if kmod:
                    kmods.append(kmod)
    kmods = list(dict.fromkeys(kmods))
    if kmods:
        return f"then install {' '.join(kmods)} for the mode it switches to"
    return "then install the driver of the mode it switches to"


def _entry_text(vid_pid: str, installed: bool = False) -> str:
    entries = modeswitch.lookup(vid_pid)
    if not entries:
        return (f"usb-modeswitch-data has no switch message for {vid_pid}, so /etc/usb-mode.json has no entry "
                "either: find the modem's switch message (its vendor's or usb_modeswitch's forum) and add an entry")
    usable = [entry for entry in entries if entry.in_openwrt and entry.is_storage_switch]
    if usable and installed:
        names = "; ".join(dict.fromkeys(n for entry in usable for n in entry.names)) or "other devices"
        return (f"/etc/usb-mode.json has an entry for {vid_pid} (written for {names}); the same ID is used by "
                "other products whose switch message differs, so check what usbmode does (usbmode -l; usbmode -s -v) "
                "and, if it fails, add an entry with this modem's own message")
    if usable:
        return (f"OpenWrt's /etc/usb-mode.json is built from usb-modeswitch-data, which has an entry for {vid_pid}, "
                "so installing usb-modeswitch should be enough (check with usbmode -l)")
    return (f"the usb-modeswitch-data entry for {vid_pid} uses a switch method OpenWrt's usbmode leaves out, "
            "so /etc/usb-mode.json has no entry: add one by hand")


def _from_listing(ctx: Context, modem: ModemFacts) -> Finding:
    e = modem.explanation
    artifact, device = modem.last
    vid_pid = f"{e.vid}:{e.pid}"
    config = device.active_config
    evidence: Tuple[Evidence, ...] = ()
    if config is not None:
        evidence = ctx.cite_config(artifact, config, [i.number for i in config.interfaces if i.cls == 0x08])
    if not evidence and device.first_line:
        evidence = (ctx.cite(artifact, device.first_line),)
    targets, _ = _targets_text(vid_pid)
    installed = "usb-modeswitch" in ctx.host.installed_packages() or "usb-modeswitch" in ctx.host.stated_packages()
    ran = ctx.host.commands_matching(r"^(opkg install|apk add)\b.*\busb-modeswitch\b")
    if ran and device.first_line > ran[-1].line:
        installed = True  # the listing was taken after the install command the user shows
        evidence += (ctx.cite(ran[-1].source, ran[-1].line, ran[-1].text),)
    fix = ("usb-modeswitch is installed but the modem was not switched: " if installed else "Install usb-modeswitch; ")
    fix += _entry_text(vid_pid, installed) + f"; {_after_switch(vid_pid)} and look at the listing again."
    return Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=f"{_name(modem, device)} is in its storage (CD-ROM) mode" + (f"; it should switch to {targets}" if targets else ""),
        evidence=evidence,
        why=("In storage mode the device offers only a virtual CD-ROM (the Windows installer): no serial port and "
             "no network function exist until usbmode sends it the switch message."),
        fix=fix,
        modem=modem.key,
        rule=RULE.name,
    )


def _name(modem: ModemFacts, device) -> str:
    """The modem's label; for an ID the catalog does not know, the name lsusb printed."""
    e = modem.explanation
    if e.vendor == "unknown" and (device.ids_name or device.manufacturer):
        return f"{device.ids_name or device.manufacturer} ({e.vid}:{e.pid})"
    return modem.label.replace(" (storage mode)", "")


def _from_logs(ctx: Context, reported: Set[str]) -> Iterator[Finding]:
    vendors = {name.lower() for name in (_vendor_words())}
    for item in ctx.host.logs:
        events = getattr(item.value, "events", ())
        last = {}
        for index, event in enumerate(events):
            # only the 'USB Mass Storage device detected' line of interface 0; the last one
            # of each port, since a switch makes the device leave and come back
            if event.kind is LogEventKind.STORAGE and event.interface.endswith(":1.0") and not event.subject:
                last[event.device] = index
        for device_path, index in last.items():
            event = events[index]
            if not device_path or device_path in reported:
                continue
            later = events[index + 1:]
            if any(e.device == device_path and (e.kind in MODEM_EVENTS or e.kind in GONE_EVENTS) for e in later):
                continue  # it became a modem, or left the bus (a switch re-enumerates it)
            cdrom = _cdrom_after(later, vendors)
            ids = _ids_of(events[:index], event.device)
            known = bool(ids and modeswitch.is_storage_mode(ids))
            if cdrom is None and not known:
                continue
            reported.add(event.device)
            evidence = [ctx.cite(item.artifact, event.line, event.text)]
            if cdrom is not None:
                evidence.append(ctx.cite(item.artifact, cdrom.line, cdrom.text))
            what = f"USB {event.device}" + (f" ({ids})" if ids else "")
            fix = "Install usb-modeswitch; "
            fix += (_entry_text(ids) if ids else "post `lsusb` to know the ID, then check that /etc/usb-mode.json has "
                    "an entry for it (usbmode -l lists the devices it would switch)")
            fix += f"; {_after_switch(ids) if ids else 'then install the driver of the mode it switches to'}."
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR,
                title=f"{what} came up as a CD-ROM and never as a modem: it is in its storage mode",
                evidence=tuple(evidence),
                why=("usb-storage took interface 0 and the log shows no serial port or network device for the device "
                     "afterwards: the modem still presents its virtual CD-ROM and must be switched by usbmode."),
                fix=fix,
                modem=None,
                rule=RULE.name,
            )


def _vendor_words() -> Tuple[str, ...]:
    """First words of catalog vendor names: what a modem's SCSI inquiry shows ('HUAWEI')."""
    words = {info.vendor.split()[0].split("/")[0] for info in catalog.models()}
    return tuple(sorted(words))


def _cdrom_after(events, vendors):
    for event in events[:20]:
        if event.kind is LogEventKind.CDROM and "CD-ROM" in event.detail:
            words = event.detail.replace("CD-ROM", " ").split()
            if words and words[0].lower() in vendors:
                return event
    return None


def _ids_of(events, device: str) -> Optional[str]:
    for event in reversed(events):
        if event.kind is LogEventKind.DEVICE_IDS and event.device == device:
            vid, pid = event.attr("vid"), event.attr("pid")
            if vid and pid:
                return f"{vid.lower()}:{pid.lower()}"
    return None


RULE = Rule(
    code="USB001",
    name="modem-in-storage-mode",
    severity=Severity.ERROR,
    summary="the modem is still in its mass-storage (CD-ROM) mode",
    check=check,
)
