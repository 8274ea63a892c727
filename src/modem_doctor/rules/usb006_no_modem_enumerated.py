"""USB006 no-modem-enumerated

## What it detects
A USB listing (``/sys/kernel/debug/usb/devices``, ``usb-devices``, ``lsusb``) is shown
and nothing in it can be the modem - only root hubs, hubs, or devices of other kinds -
while the input is about a modem: the user names one ("a PCIe EC25-AF module"), an
interface in ``/etc/config/network`` uses a cellular protocol (qmi, mbim, ncm, 3g,
modemmanager) or a modem device (``/dev/cdc-wdm0``, ``/dev/ttyUSB2``), or modem packages
are installed.

## Why it matters
Every other step - drivers, composition, SIM, APN - needs the modem on the bus first. A
modem the kernel never enumerated leaves no trace but its absence: no ``/dev/cdc-wdm0``,
no ``ttyUSB``, ``mmcli -L`` empty; installing packages cannot change that. The usual
causes: an internal module whose power/enable GPIO the image does not drive (an image
made for another board, or a snapshot missing the board's GPIO hog), a mini-PCIe or M.2
slot that carries no USB lines (many are Wi-Fi slots wired for PCIe only), or an M.2
5G module running over PCIe (MHI for Qualcomm, t7xx for MediaTek), which ``lsusb``
never shows. A line like ``mt7620-pci ... PCIE0 no card`` only says the PCIe controller
found no PCIe card; a mini-PCIe modem is a USB device, so that line is irrelevant.

## Evidence
The devices of the latest listing (root hubs and whatever else is there) and the line
that names the modem, the modem interface or the modem package.

## Fix
By case. Internal module: flash the image made for this exact board (its device tree
switches the modem's power on), check ``cat /sys/kernel/debug/gpio`` for a modem power,
reset or ``usb`` enable line and set it, and re-seat the module; a slot without USB
lines needs another slot or a USB adapter/enclosure. M.2 module on PCIe: look for it
with ``lspci`` and use the PCIe drivers (``kmod-mhi-pci-generic``, ``kmod-mhi-wwan-ctrl``,
``kmod-mhi-wwan-mbim``, or ``kmod-mtk-t7xx``), or switch the module to USB as its vendor
documents. USB stick: another port or a powered hub, and ``dmesg`` right after plugging
it in.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple

from ..knowledge import catalog, packages
from ..knowledge.explain import is_modem_like
from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.usb import UsbDevice, UsbListing
from . import Rule
from .context import Context
from .pkg001_modem_is_only_uplink import MODEM_PROTOS

ROOT_HUB_VENDOR = 0x1D6B
MAX_DEVICES_CITED = 6
# Interface classes no cellular modem presents on its own: audio, HID, printer, hub,
# smart card, video, and Bluetooth (e0/01/01; RNDIS is e0/01/03).
_NOT_MODEM_CLASSES = frozenset({0x01, 0x03, 0x07, 0x09, 0x0B, 0x0E})
# Names lsusb prints for devices that are not modems (when it shows no interfaces).
_NOT_MODEM_NAME = re.compile(r"\b(?:hub|bluetooth|802\.11|wlan|keyboard|mouse|billboard|card reader)\b", re.IGNORECASE)
# Modem packages besides the cellular kmods of the package table.
_MODEM_TOOLS = frozenset({
    "uqmi", "umbim", "comgt", "comgt-ncm", "comgt-directip", "modemmanager", "qmi-utils", "mbim-utils",
    "luci-proto-qmi", "luci-proto-mbim", "luci-proto-3g", "luci-proto-ncm", "luci-proto-modemmanager",
})
# netifd devices that only a modem provides.
_MODEM_DEVICE = re.compile(r"^(?:/dev/)?(?:cdc-wdm\d|ttyUSB\d|ttyACM\d|wwan\d|mhi_)")
# Words that place the modem inside the router.
_INTERNAL = re.compile(r"\b(?:m\.2|mini[- ]?pci-?e?|mpcie|pci-?e|internal|built[- ]?in|inbuilt|on[- ]?board|slot)\b", re.IGNORECASE)
_PCIE_DRIVER = re.compile(r"\b(?:mhi[-_]\w+|mtk_t7xx|t7xx|wwan0mbim0|wwan0at0)\b", re.IGNORECASE)
_PCIE_NO_CARD = re.compile(r"PCIE\d? no card", re.IGNORECASE)
# The PCIe drivers by chipset (shared/docs/openwrt-stack.md, PCIe WWAN table).
_MHI = "kmod-mhi-pci-generic, kmod-mhi-wwan-ctrl and kmod-mhi-wwan-mbim (the MHI bus drivers)"
_T7XX = "kmod-mtk-t7xx (OpenWrt 24.10 and later; 23.05 has no such package)"
_PCIE_DRIVERS = {
    "qualcomm": _MHI,
    "mediatek": _T7XX,
    "intel": "the kernel's iosm driver, which OpenWrt does not package: switching the module to USB is the way",
    "": f"{_MHI} for Qualcomm modules, {_T7XX} for MediaTek ones",
}


def _could_be_modem(device: UsbDevice) -> bool:
    """Whether ``device`` might be the modem; only clearly other devices are ruled out."""
    if device.vendor_id == ROOT_HUB_VENDOR or device.is_hub:
        return False
    if is_modem_like(device):
        return True
    interfaces = [i for config in device.configs for i in config.interfaces]
    if interfaces:
        for interface in interfaces:
            if interface.cls == 0xE0 and (interface.subclass, interface.protocol) == (0x01, 0x01):
                continue  # Bluetooth
            if interface.cls not in _NOT_MODEM_CLASSES:
                return True  # vendor, CDC, storage (a modem before its switch), unknown...
        return False
    if device.cls in _NOT_MODEM_CLASSES:
        return False
    name = " ".join(part for part in (device.ids_name, device.manufacturer, device.product) if part)
    return not (name and _NOT_MODEM_NAME.search(name))


def _why_modem(ctx: Context) -> List[Tuple[Evidence, str, str]]:
    """(cited line, phrase, modem name or '') for each thing that says a modem is meant."""
    reasons: List[Tuple[Evidence, str, str]] = []
    for fact in ctx.host.facts_of("modem_model")[-1:]:
        reasons.append((ctx.cite(fact.source or "-", fact.line, fact.text), f"the {fact.value} the user names", fact.value))
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "config", "") not in ("network", "") or getattr(section, "type", "") != "interface":
            continue
        options = {option.name: option for option in getattr(section, "options", ())}
        proto = options.get("proto")
        device = options.get("device") or options.get("ifname")
        modem_proto = proto is not None and proto.values and proto.values[0] in MODEM_PROTOS
        modem_device = device is not None and device.values and _MODEM_DEVICE.match(device.values[0])
        if modem_proto or modem_device:
            cited = proto if modem_proto else device
            line = getattr(cited, "line", 0) or getattr(section, "line", 0)
            what = f"proto {proto.values[0]}" if modem_proto else f"device {device.values[0]}"  # type: ignore[union-attr]
            reasons.append((ctx.cite(artifact, line), f"interface '{section.name}' ({what})", ""))
            break
    if not reasons:
        for artifact, package_list in _package_lists(ctx):
            for package in getattr(package_list, "packages", ()):
                name = getattr(package, "name", "")
                if name in _MODEM_TOOLS or packages.is_modem_kmod(name):
                    reasons.append((ctx.cite(artifact, getattr(package, "line", 0)), f"the installed {name}", ""))
                    break
            if reasons:
                break
    return reasons


def _package_lists(ctx: Context) -> List[Tuple[str, object]]:
    return [(item.artifact, item.value) for item in ctx.host.packages]


def _case(ctx: Context, model: str) -> Tuple[str, Optional[catalog.ModemInfo]]:
    """'pcie', 'internal' or 'external', and the catalog entry for the named modem."""
    infos = catalog.find_model(model) if model else ()
    info = infos[0] if infos else None
    words = " ".join(fact.text for fact in ctx.host.facts_of("modem_model"))
    texts = [line.text for _, lines in ctx.host.artifact_lines for line in lines]
    # an M.2 module that can run over PCIe (the catalog knows its PCI ID, or a 5G M.2 module,
    # which all offer PCIe), or a kernel log that shows the PCIe modem drivers at work
    if info is not None and (info.pci_ids or (info.form_factor == "m.2" and info.radio == "5g")):
        return "pcie", info
    if any(_PCIE_DRIVER.search(t) for t in texts):
        return "pcie", info
    if info is not None and info.form_factor in ("mini-pcie", "m.2", "lga"):
        return "internal", info
    if _INTERNAL.search(words):
        return "internal", info
    return "external", info


def _no_card_line(ctx: Context) -> Optional[Evidence]:
    for artifact, lines in ctx.host.artifact_lines:
        for line in lines:
            if _PCIE_NO_CARD.search(line.text):
                return ctx.cite(artifact, line.number, line.text)
    return None


def _device_evidence(ctx: Context, artifact: str, listing: UsbListing) -> List[Evidence]:
    cited = [ctx.cite(artifact, device.first_line) for device in listing.devices if device.first_line]
    return cited[:MAX_DEVICES_CITED]


def check(ctx: Context) -> Iterator[Finding]:
    listings = ctx.host.usb_listings()
    if not listings or ctx.modems:
        return
    if any(_could_be_modem(device) for _, listing in listings for device in listing.devices):
        return
    reasons = _why_modem(ctx)
    if not reasons:
        return
    artifact, listing = listings[-1]
    model = next((name for _, _, name in reasons if name), "")
    case, info = _case(ctx, model)
    evidence = _device_evidence(ctx, artifact, listing)
    evidence.extend(reason for reason, _, _ in reasons)
    no_card = _no_card_line(ctx)
    label = " ".join(part for part in (info.vendor, model) if part) if info is not None and model else (model or "modem")
    others = [d for d in listing.devices if d.vendor_id != ROOT_HUB_VENDOR]
    shown = "only root hubs" if not others else f"{len(others)} device(s), none of them a modem"
    title = f"The {label} is not on the USB bus: the USB listing shows {shown}"
    why = (
        f"The input is about a modem ({reasons[0][1]}) but the kernel never enumerated one, so no driver, "
        "package or setting can make it work yet."
    )
    if case == "pcie":
        chipset = info.chipset if info is not None else None
        why += " This M.2 module can run over PCIe, and a PCIe modem is never shown by lsusb."
        drivers = _PCIE_DRIVERS.get(chipset or "", _PCIE_DRIVERS[""])
        fix = (
            f"Look for it with lspci (package pciutils) and dmesg | grep -i -e mhi -e t7xx; on PCIe it needs "
            f"{drivers}. If the slot carries USB, the module can be switched to USB "
            "as its vendor documents, and then appears in lsusb - provided the board's image powers the slot "
            "(its modem power or reset GPIO, see cat /sys/kernel/debug/gpio)."
        )
    elif case == "internal":
        why += (
            " An internal module is powered and released from reset by GPIOs that the board's own image sets up; "
            "an image for another board, or a slot wired only for PCIe (a Wi-Fi slot), leaves the module off "
            "the USB bus."
        )
        fix = (
            "Flash the OpenWrt image made for this exact board, then check cat /sys/kernel/debug/gpio for a "
            "modem power, reset or USB-enable line and set it (a hotplug or rc.local line makes it stick); re-seat "
            "the module. A mini-PCIe or M.2 slot without USB lines cannot host a USB modem: use a slot that "
            "carries USB, or a USB adapter for the module."
        )
    else:
        why += " A modem that never appears on the bus gets no power, sits in a dead port, or is not plugged in."
        fix = (
            "Plug the modem into another port or a powered USB hub (short cable, no passive extension), then run "
            "dmesg right after plugging it in: a 'new high-speed USB device' line must appear."
        )
    if no_card is not None:
        evidence.append(no_card)
        why += (
            f" '{no_card.text.strip()}' is irrelevant here: it says only that the PCIe controller found no PCIe "
            "card, and a mini-PCIe modem is a USB device."
        )
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence),
        why=why,
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="USB006",
    name="no-modem-enumerated",
    severity=Severity.ERROR,
    summary="a USB listing is shown but no modem is on the bus, while the user sets one up",
    check=check,
)
