"""What each USB interface of a modem is for: AT/PCUI, modem (PPP), DIAG, GPS/NMEA, QMI,
MBIM, ECM, NCM, RNDIS, ADB, storage/CD-ROM, or unknown.

Sources, in the order they are trusted (each assignment names the one it used):

1. standard class triples (USB-IF class codes: CDC ECM/NCM/MBIM, RNDIS, mass storage, ADB),
   and a CDC data interface takes the role of the control interface it is paired with;
2. the catalog's per-model port map for that composition (``data/modems``);
3. ModemManager's port-type facts for the VID:PID (its ``77-mm-*-port-types.rules``);
4. CDC ACM ports (02/02) not named by 2 or 3 are AT ports;
5. the qcserial interface layout the kernel table gives the ID (Gobi 1K/2K+, Sierra);
6. vendor conventions: Huawei's class/subclass/protocol codes, Quectel and Sierra interface
   numbers (only on the documented interface shape), the Qualcomm SDX protocol codes
   0x30/0x40/0x50/0x60 (``data/modems`` ``conventions``);
7. the driver that binds (or is predicted to): qmi_wwan means QMI, cdc_mbim MBIM...;
8. OpenWrt's wwan record for the ID (the control/data tty indexes wwan.sh uses), for
   serial ports nothing above explained.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..model.usb import UsbConfig, UsbInterface
from . import catalog
from ._data import load_json

ROLES = ("at", "modem", "diag", "gps", "qmi", "mbim", "ecm", "ncm", "rndis", "adb", "storage", "unknown")
ROLE_TITLES = {
    "at": "AT/PCUI", "modem": "modem (PPP)", "diag": "DIAG", "gps": "GPS/NMEA", "qmi": "QMI", "mbim": "MBIM",
    "ecm": "ECM", "ncm": "NCM", "rndis": "RNDIS", "adb": "ADB", "storage": "storage/CD-ROM", "unknown": "unknown",
}
SERIAL_DRIVERS = frozenset({"option", "qcserial", "sierra", "cdc_acm", "usbserial_generic", "usb_serial_simple", "generic"})
NETWORK_ROLES = frozenset({"qmi", "mbim", "ecm", "ncm", "rndis"})

# Standard (non vendor-specific) class triples. Source: USB-IF defined class codes and the
# CDC 1.2 / MBIM 1.0 / RNDIS specifications; Android's ADB interface (ff/42/01).
_CLASS_RULES: Tuple[Tuple[Tuple[int, Optional[int], Optional[int]], str, str], ...] = (
    ((0x02, 0x06, None), "ecm", "CDC ECM control (class 02/06)"),
    ((0x02, 0x0D, None), "ncm", "CDC NCM control (class 02/0d)"),
    ((0x02, 0x0E, None), "mbim", "CDC MBIM control (class 02/0e)"),
    ((0x02, 0x02, 0xFF), "rndis", "RNDIS control (class 02/02/ff, Microsoft's CDC ACM variant)"),
    ((0xE0, 0x01, 0x03), "rndis", "RNDIS (wireless controller class e0/01/03)"),
    ((0xEF, 0x04, 0x01), "rndis", "RNDIS (misc class ef/04/01)"),
    ((0x08, None, None), "storage", "mass storage (class 08): the CD-ROM/SD function"),
    ((0xFF, 0x42, 0x01), "adb", "Android Debug Bridge (ff/42/01)"),
)
# CDC ACM is a serial port whose function (AT, GNSS, diagnostics) the class does not tell,
# so a model's port map or ModemManager's port types may name it; AT is the default.
_ACM_RULE = ("at", "CDC ACM (class 02/02): a serial port for cdc_acm, AT unless a table says otherwise")
_DRIVER_ROLES = {
    "qmi_wwan": "qmi", "cdc_mbim": "mbim", "cdc_ncm": "ncm", "huawei_cdc_ncm": "ncm", "cdc_ether": "ecm",
    "rndis_host": "rndis", "usb-storage": "storage", "uas": "storage", "sierra_net": "ecm",
}


@dataclass(frozen=True)
class RoleAssignment:
    number: int
    alt: int
    role: str
    source: str  # which table or rule decided
    detail: str = ""

    @property
    def title(self) -> str:
        return ROLE_TITLES.get(self.role, self.role)


def _class_role(interface: UsbInterface) -> Optional[Tuple[str, str]]:
    for (cls, sub, proto), role, detail in _CLASS_RULES:
        if interface.cls == cls and (sub is None or interface.subclass == sub) and (proto is None or interface.protocol == proto):
            return role, detail
    return None


def _data_interface_role(config: UsbConfig, interface: UsbInterface, resolved: Mapping[int, str]) -> Optional[Tuple[str, str]]:
    """A CDC data interface (class 0a) carries the traffic of the control interface it is
    paired with: the IAD that groups them, else the nearest control interface before it."""
    if interface.cls != 0x0A:
        return None
    if interface.protocol == 0x02:
        return "mbim", "CDC data with MBIM protocol (0a/00/02)"
    for association in config.associations:
        first, last = association.first_interface, association.first_interface + association.count - 1
        if first <= interface.number <= last and first in resolved and resolved[first] in NETWORK_ROLES:
            return resolved[first], f"data interface of the {resolved[first].upper()} function (IAD from interface {first})"
    for number in sorted(resolved, reverse=True):
        if number < interface.number and resolved[number] in NETWORK_ROLES:
            return resolved[number], f"data interface paired with control interface {number}"
    return None


def _vendor_convention(vid: str, pid: str, interface: UsbInterface, cdc_present: bool) -> Optional[Tuple[str, str, str]]:
    """(role, source, detail) from a vendor's documented convention. Interface-number
    conventions describe the QMI (vendor-class only) layout, so they are skipped when the
    configuration has a standard CDC/RNDIS network function that shifts the numbers."""
    if interface.cls != 0xFF:
        return None
    for data in catalog.vendor_data(vid):
        conventions = data.get("conventions", {})
        table = data.get("sources", {})
        protocol_rule = conventions.get("protocol_roles")
        if protocol_rule and (vid != "12d1" or interface.subclass in (0x01, 0x02, 0x03)):
            entry = protocol_rule["roles"].get(f"{interface.protocol:02x}")
            if entry:
                role, source_key = entry
                return role, f"{data['vendor']} protocol code", (
                    f"{data['vendor']} convention: protocol 0x{interface.protocol:02x} is {ROLE_TITLES[role]} "
                    f"({table.get(source_key, source_key)})")
        number_rule = conventions.get("interface_roles")
        if number_rule and not cdc_present:
            role = number_rule["roles"].get(str(interface.number))
            shape = number_rule.get("shape", {}).get(str(interface.number))
            if role and (shape is None or shape == interface.triple):
                return role, f"{data['vendor']} interface numbering", (
                    f"{data['vendor']} convention: interface {interface.number} is {ROLE_TITLES[role]} "
                    f"({'; '.join(table.get(k, k) for k in number_rule.get('source', ()))})")
    # Qualcomm SDX-generation protocol codes, shared by many vendors (Telit's table holds them).
    if interface.subclass in (0xFF, 0x00) and interface.protocol in (0x30, 0x40, 0x50, 0x60):
        role = {0x30: "diag", 0x40: "at", 0x50: "qmi", 0x60: "gps"}[interface.protocol]
        return role, "Qualcomm SDX protocol code", (
            f"protocol 0x{interface.protocol:02x} is {ROLE_TITLES[role]} in the descriptor layout of Qualcomm SDX-based "
            "modules (Telit FN990/FE990 compositions in the corpus)")
    return None


# Interface layouts qcserial knows (drivers/usb/serial/qcserial.c, qcprobe() and its layout
# comments); which layout an ID uses is its driver_info in the qcserial table
# (data/kernel/usb-tables.json; no driver_info means Gobi 2K+).
_QCSERIAL_LAYOUTS = {
    "QCSERIAL_G1K": {0: "diag", 2: "at"},
    "QCSERIAL_G2K": {0: "qmi", 1: "diag", 2: "at", 3: "gps"},
    "QCSERIAL_SWI": {0: "diag", 2: "gps", 3: "at", 8: "qmi", 10: "qmi"},
}


@functools.lru_cache(maxsize=512)
def _qcserial_layout(vid_pid: str) -> Optional[str]:
    try:
        table = load_json("kernel/usb-tables.json")["drivers"]["qcserial"]
    except Exception:  # the kernel data belongs to the binding work; explain without it
        return None
    vid, pid = (int(part, 16) for part in vid_pid.split(":"))
    names = {value: name for name, value in table.get("constants", {}).items() if name.startswith("QCSERIAL_")}
    for entry in table.get("entries", ()):
        if entry.get("idVendor") == vid and entry.get("idProduct") == pid:
            info = entry.get("driver_info")
            return names.get(info if isinstance(info, int) else 0)
    return None


def _wwan_record(vid_pid: str) -> Optional[Dict[str, Any]]:
    return load_json("openwrt/wwan.json")["devices"].get(vid_pid)


def assign_config(vid_pid: str, config: UsbConfig, model: Optional[catalog.ModemInfo] = None,
                  drivers: Optional[Mapping[int, Optional[str]]] = None) -> Tuple[RoleAssignment, ...]:
    """Roles of every interface (alt 0, or the only alt shown) of one configuration.
    ``drivers`` maps interface number to the bound or predicted driver, when known."""
    vid, pid = vid_pid.lower().split(":")
    drivers = drivers or {}
    composition = model.composition(vid_pid.lower(), config.number) if model else None
    mm, mm_sources = catalog.mm_ports(vid_pid)
    interfaces = _primary_interfaces(config)
    resolved: Dict[int, str] = {}
    result: Dict[int, RoleAssignment] = {}

    def put(interface: UsbInterface, role: str, source: str, detail: str) -> None:
        resolved[interface.number] = role
        result[interface.number] = RoleAssignment(interface.number, interface.alt, role, source, detail)

    for interface in interfaces:
        found = _class_role(interface)
        if found:
            put(interface, found[0], "class triple", found[1])
    cdc_present = any(role in NETWORK_ROLES for role in resolved.values())
    layout = _qcserial_layout(vid_pid.lower())
    layout_roles = _QCSERIAL_LAYOUTS.get(layout or "", {})
    if layout == "QCSERIAL_G2K" and vid_pid.lower() == "05c6:9215" and len(interfaces) == 5:
        # qcprobe() special-cases the Quectel EC20 (QUECTEL_EC20_PID): Quectel's own layout.
        layout, layout_roles = "Quectel EC20 (qcserial special case)", {0: "diag", 1: "gps", 2: "at", 3: "modem", 4: "qmi"}
    for interface in interfaces:
        if interface.number in result:
            continue
        found = _data_interface_role(config, interface, resolved)
        if found:
            put(interface, found[0], "class triple", found[1])
            continue
        if composition is not None:
            role = composition.port_role(interface.number)
            code = _vendor_convention(vid, pid, interface, cdc_present) if role else None
            if role and code and code[1].endswith("protocol code") and code[0] != role:
                # The port map counts interfaces of the full layout; a device that leaves
                # ports out (other firmware, the lab's gadget) shifts the numbers, and the
                # vendor's strict protocol code on the interface itself says what it is.
                put(interface, code[0], code[1], f"{code[2]}; the catalog port map names interface "
                    f"{interface.number} {ROLE_TITLES[role]} for the full layout")
                continue
            if role:
                where = f"configuration {composition.config}" if composition.config else (composition.mode or "default mode")
                put(interface, role, "catalog port map", f"{model.vendor} {model.model} {where} ({'; '.join(composition.sources)})")  # type: ignore[union-attr]
                continue
        if interface.number in mm and interface.cls in (0xFF, 0x02):
            put(interface, mm[interface.number], "ModemManager port types", "; ".join(mm_sources))
            continue
        if interface.cls == 0x02 and interface.subclass == 0x02:
            put(interface, _ACM_RULE[0], "class triple", _ACM_RULE[1])
            continue
        if layout_roles and interface.cls == 0xFF and interface.number in layout_roles:
            put(interface, layout_roles[interface.number], "qcserial layout",
                f"{layout} interface layout of drivers/usb/serial/qcserial.c (Linux 6.1.192 table)")
            continue
        convention = _vendor_convention(vid, pid, interface, cdc_present)
        if convention:
            put(interface, convention[0], convention[1], convention[2])
            continue
        driver = drivers.get(interface.number)
        if driver in _DRIVER_ROLES:
            put(interface, _DRIVER_ROLES[driver], "driver", f"{driver} drives it")
    _apply_wwan_record(vid_pid, interfaces, drivers, result, put)
    for interface in interfaces:
        if interface.number not in result:
            driver = drivers.get(interface.number)
            detail = "no table knows this interface"
            if driver in SERIAL_DRIVERS:
                detail = f"a serial port for {driver}; its function is not documented in the tables"
            put(interface, "unknown", "none", detail)
    return tuple(result[number] for number in sorted(result))


def _apply_wwan_record(vid_pid: str, interfaces: List[UsbInterface], drivers: Mapping[int, Optional[str]],
                       result: Dict[int, RoleAssignment], put: Any) -> None:
    """wwan.sh indexes the device's tty nodes in order: record 'control' is the AT port,
    'data' the PPP port. Only fills serial interfaces nothing else explained."""
    record = _wwan_record(vid_pid.lower())
    if not record or "control" not in record:
        return
    serial = [i for i in interfaces if drivers.get(i.number) in SERIAL_DRIVERS or
              (i.cls == 0xFF and i.number not in result and drivers.get(i.number) is None and _bulk_pair(i))]
    for index, role in ((record["data"], "modem"), (record["control"], "at")):
        if 0 <= index < len(serial) and serial[index].number not in result:
            put(serial[index], role, "OpenWrt wwan record",
                f"wwan record {vid_pid} ('{record['desc']}'): tty index {index} is the {'PPP data' if role == 'modem' else 'control'} port")


def _bulk_pair(interface: UsbInterface) -> bool:
    kinds = [endpoint.transfer for endpoint in interface.endpoints]
    return kinds.count("bulk") >= 2 or (not kinds and interface.num_endpoints >= 2)


def _primary_interfaces(config: UsbConfig) -> List[UsbInterface]:
    """One entry per interface number: the active alt setting if marked, else the lowest
    alt that has endpoints (CDC data interfaces put theirs in alt 1), else alt 0."""
    chosen: Dict[int, UsbInterface] = {}
    for interface in config.interfaces:
        current = chosen.get(interface.number)
        if current is None:
            chosen[interface.number] = interface
            continue
        if interface.active and not current.active:
            chosen[interface.number] = interface
        elif not current.active and current.num_endpoints == 0 and interface.num_endpoints > 0:
            chosen[interface.number] = interface
    return [chosen[number] for number in sorted(chosen)]


def data_path(roles: Tuple[RoleAssignment, ...]) -> str:
    """The data path a configuration offers, judged from its interface roles: the best
    network function it has, else PPP over a modem/AT port, else storage or none."""
    present = {assignment.role for assignment in roles}
    for role in ("qmi", "mbim", "ncm", "ecm", "rndis"):
        if role in present:
            return role
    if "modem" in present or "at" in present:
        return "ppp"
    if present == {"storage"} or ("storage" in present and present <= {"storage", "unknown"}):
        return "storage"
    if not present:
        return "none"
    return "unknown"
