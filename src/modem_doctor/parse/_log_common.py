"""Reading log messages into events; shared by the dmesg and logread parsers.

The kernel prints the same messages whichever tool shows them, so the message
patterns live here once. ``kernel_event`` reads a kernel message (no time stamp);
``daemon_event`` reads netifd, protocol-handler (qmi.sh, mbim.sh, ncm.sh,
modemmanager.sh), pppd and ModemManager messages. Both return the keyword arguments
of a ``LogEvent`` minus its position (line, text, time), or None.
``pair_ttys`` then ties each ttyUSB to the interface its converter line named.

Patterns follow the kernel's format strings (drivers/usb/core/hub.c, usbnet.c,
usb-serial/bus.c, class/cdc-wdm.c, cdc-acm.c, storage, scsi) and OpenWrt's
netifd and proto handlers (../shared/docs/openwrt-stack.md, section 2).
"""

from __future__ import annotations

import dataclasses
import re
from collections import abc
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..errors import InputError
from ..model.common import Line
from ..model.log import LogEvent
from ..model.log import LogEventKind as K
from . import MAX_INPUT_BYTES

EventFields = Dict[str, Any]

# A USB port path ('1-1.2') or a root hub ('usb1'), and an interface ('1-1.2:2.0').
_PATH = r"(?:usb\d+|\d+-\d+(?:\.\d+)*)"
_INTF = r"\d+-\d+(?:\.\d+)*:\d+\.\d+"
_PORT = r"(?:usb\d+|\d+-\d+(?:\.\d+)*)-port\d+"
_MAC = re.compile(r"^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$")

# '[   20.091055] ' and the collapsed '[ 20.091055]' / '[20.091055]' of forum pastes.
# 'dmesg -d' adds the delta to the previous record: '[    0.000000 <    0.000000>] '.
KERNEL_STAMP = re.compile(r"^\[\s*(\d{1,10}\.\d{1,9})(?:\s*<\s*\d{1,10}\.\d{1,9}>)?\]\s?")
# 'dmesg -T': '[Tue Nov 24 02:37:31 2026] '; with -d the delta goes inside the brackets:
# '[Tue Nov 24 02:37:31 2026 <    0.000044>] ' (group 2).
HUMAN_STAMP = re.compile(
    r"^\[((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})"
    r"(?:\s*<\s*(\d{1,10}\.\d{1,9})>)?\]\s?"
)
# 'dmesg --time-format delta': only the time since the previous record, '[<    0.000044>] '.
DELTA_STAMP = re.compile(r"^\[<\s*(\d{1,10}\.\d{1,9})>\]\s?")
# 'dmesg -e' and 'dmesg -H' (util-linux's reltime): the local time to the minute,
# '[Nov24 02:37] ', on the first record of each minute, and on the others the time since the
# previous record, '[  +0.000044] '.
MINUTE_STAMP = re.compile(r"^\[((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s?\d{1,2}\s+\d{1,2}:\d{2})\]\s?")
PLUS_STAMP = re.compile(r"^\[\s*\+(\d{1,10}\.\d{1,9})\]\s?")
# 'dmesg --time-format iso': '2026-11-24T02:37:31,000000+00:00 '
ISO_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[,.]\d{1,9}(?:[+-]\d{2}:?\d{2}|Z)?)\s")


def check_text(kind: str, text: object) -> str:
    """The text itself, or InputError when something else (or far too much) was handed in."""
    if not isinstance(text, str):
        raise InputError(kind, f"expected text, got {type(text).__name__}")
    if len(text) > MAX_INPUT_BYTES:
        raise InputError(kind, f"input is {len(text)} characters; the limit is {MAX_INPUT_BYTES}")
    return text


def check_lines(kind: str, lines: object) -> Sequence[Line]:
    """The numbered lines themselves, or InputError when they are not ``Line`` values."""
    if isinstance(lines, (str, bytes)) or not isinstance(lines, abc.Sequence):
        raise InputError(kind, f"expected a sequence of numbered lines, got {type(lines).__name__}")
    for line in lines:
        if not isinstance(line, Line) or not isinstance(line.text, str):
            raise InputError(kind, f"expected numbered lines, got {type(line).__name__}")
    return lines


def split_kernel_stamp(message: str) -> Tuple[Optional[float], str]:
    """Time since boot and the rest of a kernel message ('[ 20.09] x' -> (20.09, 'x'))."""
    match = KERNEL_STAMP.match(message)
    if not match:
        return None, message
    return float(match.group(1)), message[match.end() :]


def port_to_device(port: str) -> str:
    """The device path behind a hub port: 'usb2-port3' -> '2-3', '1-1.3-port1' -> '1-1.3.1'."""
    hub, _, number = port.rpartition("-port")
    if hub.startswith("usb"):
        return f"{hub[3:]}-{number}"
    return f"{hub}.{number}"


def interface_device(interface: str) -> str:
    """'1-1.2:2.0' -> '1-1.2'."""
    return interface.split(":", 1)[0]


def _strip_driver_index(name: str) -> str:
    # usb-serial names its ports' driver 'option1', 'qcserial1'... in tty messages.
    return name.rstrip("0123456789") or name


def _fields(kind: K, **values: Any) -> EventFields:
    values["kind"] = kind
    return values


# --- kernel messages -------------------------------------------------------------------

_NETDEV = re.compile(
    rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}) (?P<net>[^\s:]+): (?P<un>un)?register '(?P<name>[^']*)'\s*(?P<rest>.*)$"
)
_RENAMED = re.compile(rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}) (?P<net>[^\s:]+): renamed from (?P<old>\S+)")
_WDM = re.compile(rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}): (?P<wdm>cdc-wdm\d+): USB WDM device")
_ACM = re.compile(rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}): (?P<tty>ttyACM\d+): USB ACM device")
_CONVERTER = re.compile(rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}): (?P<what>.+?) converter detected")
_ATTACHED = re.compile(
    rf"^(?P<drv>[\w-]+) (?P<dev>{_INTF}|{_PATH}): (?P<what>.+?) converter now attached to (?P<tty>\S+)"
)
_DETACHED = re.compile(r"^(?P<drv>[\w-]+) (?P<tty>tty\w+): (?P<what>.+?) converter now disconnected from (?P<tty2>\S+)")
_IF_GONE = re.compile(rf"^(?P<drv>[\w-]+) (?P<intf>{_INTF}): device disconnected")
_NEW = re.compile(rf"^usb (?P<dev>{_PATH}): new (?P<speed>.+?) USB device number (?P<num>\d+) using (?P<hcd>\S+)")
_RESET = re.compile(rf"^usb (?P<dev>{_PATH}): reset (?P<speed>.+?) USB device number (?P<num>\d+) using (?P<hcd>\S+)")
_IDS = re.compile(
    rf"^usb (?P<dev>{_PATH}): New USB device found, idVendor=(?P<vid>[0-9a-fA-F]{{4}}), "
    r"idProduct=(?P<pid>[0-9a-fA-F]{4})(?:, bcdDevice=\s*(?P<bcd>\S+))?"
)
_STRING = re.compile(rf"^usb (?P<dev>{_PATH}): (?P<name>Product|Manufacturer|SerialNumber): ?(?P<value>.*)$")
_DISCONNECT = re.compile(rf"^usb (?P<dev>{_PATH}): USB disconnect, (?:device number|address) (?P<num>\d+)")
_SETS_CONFIG = re.compile(
    rf"^usb (?P<dev>{_PATH}): usbfs: interface (?P<ifnum>\d+) claimed by (?P<drv>\S+) "
    r"while '(?P<prog>[^']*)' sets config #(?P<cfg>\d+)"
)
_CONFIG_NOTE = re.compile(rf"^usb (?P<dev>{_PATH}): config (?P<cfg>\d+) (?P<rest>.*)$")
_USB_MSG = re.compile(rf"^(?:usb|hub) (?P<who>{_PORT}|{_INTF}|{_PATH}): (?P<rest>.*)$")
_ERRNO = re.compile(r"(?:error|err|status|returned|failed)[:=]?\s*(-\d{1,4})\b")
_USB_TROUBLE = re.compile(
    r"not responding to setup address|not accepting address|Cannot enable|cable is bad|"
    r"attempt power cycle|can't set config|can't read configurations|unable to read config|"
    r"device descriptor read|string descriptor|Cannot (?:re)?set|disabled by hub|EMI\?"
)
_REGISTERED = re.compile(r"^usbcore: registered new (?:(?P<what>interface|device) )?driver (?P<drv>\S+)")
_DEREGISTERED = re.compile(r"^usbcore: deregistering (?:(?P<what>interface|device) )?driver (?P<drv>\S+)")
_PROBE_FAILED = re.compile(r"^(?P<drv>[\w-]+):? probe of (?P<who>\S+) failed with error (?P<code>-\d+)")
_STORAGE_DETECTED = re.compile(rf"^usb-storage (?P<intf>{_INTF}): USB Mass Storage device detected")
_SCSI_HOST = re.compile(rf"^scsi host(?P<host>\d+): usb-storage (?P<intf>{_INTF})")
_SCSI_DEVICE = re.compile(r"^scsi (?P<addr>\d+:\d+:\d+:\d+): (?P<type>CD-ROM|Direct-Access)\s+(?P<rest>.*)$")
_SR = re.compile(r"^sr (?P<addr>\d+:\d+:\d+:\d+): (?:Attached scsi CD-ROM (?P<sr>sr\d+)|\[(?P<sr2>sr\d+)\]\s*(?P<rest>.*))")
_SD = re.compile(r"^sd (?P<addr>\d+:\d+:\d+:\d+): \[(?P<sd>sd\w+)\] Attached SCSI (?P<rest>.*disk.*)$")


def _netdev_event(match: "re.Match[str]") -> EventFields:
    interface = match.group("intf")
    attrs: List[Tuple[str, str]] = [("registered_as", match.group("name"))]
    rest = match.group("rest")
    if rest.startswith("at "):
        rest = rest[3:]
    parts = [part.strip() for part in rest.split(",")]
    if parts and parts[0]:
        # Bus info never holds spaces; a forum paste may have broken it ('usb-101c0000.eh ci-1.2').
        attrs.append(("bus_info", "".join(parts[0].split())))
    if len(parts) > 1 and parts[1]:
        attrs.append(("description", parts[1]))
    if len(parts) > 2:
        mac = "".join(parts[2].split())
        if _MAC.match(mac):
            attrs.append(("mac", mac.lower()))
    kind = K.NETDEV_UNREGISTER if match.group("un") else K.NETDEV_REGISTER
    return _fields(
        kind,
        device=interface_device(interface),
        interface=interface,
        driver=match.group("drv"),
        subject=match.group("net"),
        detail=", ".join(part for part in parts if part),
        attrs=tuple(attrs),
    )


def _usb_trouble(who: str, rest: str) -> Optional[EventFields]:
    """Errors, enumeration failures and over-current on a device, port or hub interface."""
    if "-port" in who:
        device = port_to_device(who)
    elif ":" in who:
        device = interface_device(who)
        port = re.search(r"on port (\d+)", rest)
        if port:
            # 'hub 1-1:1.0: over-current condition on port 2' is about the device on that port.
            device = f"{device[:-2]}-{port.group(1)}" if device.endswith("-0") else f"{device}.{port.group(1)}"
    else:
        device = who
    if "over-current" in rest.lower():
        return _fields(K.OVER_CURRENT, device=device, detail=rest)
    if "unable to enumerate USB device" in rest:
        return _fields(K.ENUMERATION_FAILED, device=device, detail=rest)
    errno = _ERRNO.search(rest)
    if errno or _USB_TROUBLE.search(rest):
        code = int(errno.group(1)) if errno else None
        return _fields(K.USB_ERROR, device=device, detail=rest, error_code=code)
    return None


def kernel_event(message: str) -> Optional[EventFields]:
    """The event a kernel message (without its time stamp) reports, or None."""
    head = message[:16]
    if head.startswith("usb "):
        return _usb_event(message)
    if head.startswith("usbcore: "):
        match = _REGISTERED.match(message)
        if match:
            return _fields(K.DRIVER_REGISTERED, driver=match.group("drv"), detail=match.group("what") or "")
        match = _DEREGISTERED.match(message)
        if match:
            return _fields(K.DRIVER_DEREGISTERED, driver=match.group("drv"), detail=match.group("what") or "")
        return None
    if head.startswith(("scsi ", "sr ", "sd ", "usb-storage ")):
        return _storage_event(message)
    if head.startswith("hub "):
        match = _USB_MSG.match(message)
        return _usb_trouble(match.group("who"), match.group("rest")) if match else None
    return _driver_event(message)


def _usb_event(message: str) -> Optional[EventFields]:
    match = _NEW.match(message)
    if match:
        return _fields(
            K.NEW_DEVICE,
            device=match.group("dev"),
            driver=match.group("hcd"),
            detail=f"{match.group('speed')} device number {match.group('num')}",
            attrs=(("speed", match.group("speed")), ("devnum", match.group("num")), ("hcd", match.group("hcd"))),
        )
    match = _IDS.match(message)
    if match:
        attrs = [("vid", match.group("vid").lower()), ("pid", match.group("pid").lower())]
        if match.group("bcd"):
            attrs.append(("bcd", match.group("bcd")))
        return _fields(
            K.DEVICE_IDS,
            device=match.group("dev"),
            detail=f"{attrs[0][1]}:{attrs[1][1]}",
            attrs=tuple(attrs),
        )
    match = _STRING.match(message)
    if match:
        name, value = match.group("name"), match.group("value").strip()
        return _fields(K.DEVICE_STRING, device=match.group("dev"), detail=value, attrs=((name.lower(), value),))
    match = _DISCONNECT.match(message)
    if match:
        return _fields(
            K.DISCONNECT,
            device=match.group("dev"),
            detail=f"device number {match.group('num')}",
            attrs=(("devnum", match.group("num")),),
        )
    match = _ATTACHED.match(message)
    if match:
        return _attached(match)
    match = _RESET.match(message)
    if match:
        return _fields(
            K.DEVICE_RESET,
            device=match.group("dev"),
            driver=match.group("hcd"),
            detail=f"{match.group('speed')} device number {match.group('num')}",
            attrs=(("speed", match.group("speed")), ("devnum", match.group("num")), ("hcd", match.group("hcd"))),
        )
    match = _SETS_CONFIG.match(message)
    if match:
        return _fields(
            K.CONFIG_CHANGE,
            device=match.group("dev"),
            driver=match.group("drv"),
            detail=f"{match.group('prog')} sets configuration {match.group('cfg')}",
            attrs=(("config", match.group("cfg")), ("program", match.group("prog")), ("interface", match.group("ifnum"))),
        )
    match = _USB_MSG.match(message)
    if match:
        trouble = _usb_trouble(match.group("who"), match.group("rest"))
        if trouble is not None:
            return trouble
    match = _CONFIG_NOTE.match(message)
    if match:
        return _fields(
            K.CONFIG_NOTE,
            device=match.group("dev"),
            detail=f"config {match.group('cfg')} {match.group('rest')}",
            attrs=(("config", match.group("cfg")),),
        )
    return None


def _attached(match: "re.Match[str]") -> EventFields:
    where = match.group("dev")
    interface = where if ":" in where else ""
    driver = match.group("drv")
    return _fields(
        K.TTY_ATTACHED,
        device=interface_device(where),
        interface=interface,
        driver="" if driver == "usb" else driver,
        subject=match.group("tty"),
        detail=f"{match.group('what')} converter",
    )


def _storage_event(message: str) -> Optional[EventFields]:
    match = _STORAGE_DETECTED.match(message)
    if match:
        interface = match.group("intf")
        return _fields(
            K.STORAGE,
            device=interface_device(interface),
            interface=interface,
            driver="usb-storage",
            detail="USB Mass Storage device detected",
        )
    match = _SCSI_HOST.match(message)
    if match:
        interface = match.group("intf")
        return _fields(
            K.STORAGE,
            device=interface_device(interface),
            interface=interface,
            driver="usb-storage",
            subject=f"host{match.group('host')}",
            detail="SCSI host",
            attrs=(("scsi_host", match.group("host")),),
        )
    match = _SCSI_DEVICE.match(message)
    if match:
        kind = K.CDROM if match.group("type") == "CD-ROM" else K.STORAGE
        rest = " ".join(match.group("rest").split())
        return _fields(kind, subject=match.group("addr"), detail=f"{match.group('type')} {rest}", attrs=(("scsi", match.group("addr")),))
    match = _SR.match(message)
    if match:
        name = match.group("sr") or match.group("sr2")
        return _fields(K.CDROM, driver="sr", subject=name, detail=(match.group("rest") or "Attached scsi CD-ROM").strip(), attrs=(("scsi", match.group("addr")),))
    match = _SD.match(message)
    if match:
        return _fields(K.STORAGE, driver="sd", subject=match.group("sd"), detail=match.group("rest"), attrs=(("scsi", match.group("addr")),))
    return None


def _driver_event(message: str) -> Optional[EventFields]:
    # Cheap pre-check: every pattern below names an interface ('1-1.2:1.0') or a tty.
    if ":" not in message:
        return None
    match = _NETDEV.match(message)
    if match:
        return _netdev_event(match)
    match = _WDM.match(message)
    if match:
        interface = match.group("intf")
        return _fields(K.CDC_WDM, device=interface_device(interface), interface=interface, driver=match.group("drv"), subject=match.group("wdm"), detail="USB WDM device")
    match = _CONVERTER.match(message)
    if match:
        interface = match.group("intf")
        return _fields(K.SERIAL_CONVERTER, device=interface_device(interface), interface=interface, driver=match.group("drv"), detail=f"{match.group('what')} converter detected")
    match = _ATTACHED.match(message)
    if match:
        return _attached(match)
    match = _DETACHED.match(message)
    if match:
        return _fields(K.TTY_DETACHED, driver=_strip_driver_index(match.group("drv")), subject=match.group("tty2"), detail=f"{match.group('what')} converter")
    match = _ACM.match(message)
    if match:
        interface = match.group("intf")
        return _fields(K.TTY_ATTACHED, device=interface_device(interface), interface=interface, driver=match.group("drv"), subject=match.group("tty"), detail="USB ACM device")
    match = _IF_GONE.match(message)
    if match:
        interface = match.group("intf")
        return _fields(K.INTERFACE_DISCONNECTED, device=interface_device(interface), interface=interface, driver=match.group("drv"), detail="device disconnected")
    match = _RENAMED.match(message)
    if match:
        interface = match.group("intf")
        return _fields(K.NETDEV_RENAMED, device=interface_device(interface), interface=interface, driver=match.group("drv"), subject=match.group("net"), detail=f"renamed from {match.group('old')}", attrs=(("old_name", match.group("old")),))
    match = _PROBE_FAILED.match(message)
    if match:
        who = match.group("who")
        is_usb = re.match(rf"^(?:{_INTF}|{_PATH})$", who) is not None
        return _fields(
            K.PROBE_FAILED,
            device=interface_device(who) if is_usb else "",
            interface=who if is_usb and ":" in who else "",
            driver=match.group("drv"),
            detail=f"probe of {who} failed",
            error_code=int(match.group("code")),
        )
    return None


# --- daemon messages (logread) ------------------------------------------------------------

# qmi.sh, mbim.sh, ncm.sh, modemmanager.sh, uqmi and pppd failures -> the proto error code
# netifd records (openwrt-stack.md §2). Order matters: specific before general.
_PROTO_ERRORS: Tuple[Tuple["re.Pattern[str]", str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"No control device specified", "NO_DEVICE"),
        (r"The specified control device does not exist", "NO_DEVICE"),
        (r"The interface could not be found", "NO_IFACE"),
        (r"SIM in illegal state", "SIM_ILLEGAL_STATE"),
        (r"SIM not initialized", "SIM_NOT_INITIALIZED"),
        (r"Unable to verify PIN|PIN verification failed|PIN code rejected", "PIN_FAILED"),
        (r"SIM locked PUK required", "PUK_NEEDED"),
        (r"PIN verify count value is", "PIN_TRIES_BELOW_LIMIT"),
        (r"PIN not specified but required", "PIN_NOT_SPECIFIED"),
        (r"PIN status failed", "PIN_STATUS_FAILED"),
        (r"Unable to set PLMN", "PLMN_FAILED"),
        (r"only supports raw-ip mode but is missing", "RAW_IP_UNSUPPORTED"),
        (r"Network registration failed", "NETWORK_REGISTRATION_FAILED"),
        (r"Unable to obtain client ID", "NO_CID"),
        (r"Unable to connect IPv4|Unable to connect IPv6|^Unable to connect\b|No data link", "CALL_FAILED"),
        (r"Failed to connect to service", "QMI_SERVICE_FAILED"),
        (r"Request timed out", "TIMEOUT"),
        (r"Failed to open device", "OPEN_FAILED"),
        (r"Failed to find matching interface", "NO_IFNAME"),
        (r"Failed to read modem caps", "PIN_FAILED"),
        (r"^PIN required", "PIN_FAILED"),
        (r"Subscriber init failed", "NO_SUBSCRIBER"),
        (r"Subscriber registration failed", "NO_REGISTRATION"),
        (r"Failed to attach to network", "ATTACH_FAILED"),
        (r"Failed to connect bearer", "CONNECT_FAILED"),
        (r"Failed to get modem information", "GETINFO_FAILED"),
        (r"Unsupported modem", "UNSUPPORTED_MODEM"),
        (r"Failed to initialize modem", "INITIALIZE_FAILED"),
        (r"Failed to configure modem", "CONFIGURE_FAILED"),
        (r"Failed to set operating mode", "SETMODE_FAILED"),
        (r"Failed to connect\b", "CONNECT_FAILED"),
        (r"Device not managed by ModemManager", "DEVICE_NOT_MANAGED"),
        (r"Connect script failed", "CONNECT_SCRIPT_FAILED"),
        (r"^error:", ""),
    )
)

_IFACE_STATE = re.compile(r"^Interface '(?P<iface>[^']+)' (?P<state>is setting up now|is now up|is now down|has lost the connection)")
_LINK_STATE = re.compile(r"^Network device '(?P<dev>[^']+)' link is (?P<state>up|down)")
_PROTO_LINE = re.compile(r"^(?P<iface>[\w.@-]+) \((?P<pid>\d+)\): (?P<msg>.*)$")
_MM_STATE = re.compile(r"\[(?P<modem>modem\d+)[^\]]*\] state changed \((?P<old>[\w-]+) -> (?P<new>[\w-]+)\)")
_MM_LEVEL = re.compile(r"^<(?P<level>[a-z]+)>\s+(?P<msg>.*)$")
_MM_WARNING_LEVELS = frozenset(("warn", "wrn", "error", "err", "crit"))
_IFACE_KINDS = {
    "is setting up now": K.INTERFACE_SETUP,
    "is now up": K.INTERFACE_UP,
    "is now down": K.INTERFACE_DOWN,
    "has lost the connection": K.INTERFACE_DOWN,
}


def proto_error_code(message: str) -> Optional[str]:
    """The netifd proto error code a handler message stands for ('' when generic), or None."""
    text = message.strip()
    for pattern, code in _PROTO_ERRORS:
        if pattern.search(text):
            return code
    return None


def daemon_event(process: str, message: str) -> Optional[EventFields]:
    """The event a non-kernel syslog message reports, or None."""
    if process == "netifd":
        match = _IFACE_STATE.match(message)
        if match:
            return _fields(_IFACE_KINDS[match.group("state")], subject=match.group("iface"), detail=message)
        match = _LINK_STATE.match(message)
        if match:
            kind = K.LINK_UP if match.group("state") == "up" else K.LINK_DOWN
            return _fields(kind, subject=match.group("dev"), detail=message)
        match = _PROTO_LINE.match(message)
        if match:
            text = match.group("msg").strip()
            code = proto_error_code(text)
            attrs: Tuple[Tuple[str, str], ...] = (("pid", match.group("pid")),)
            if code is None:
                return _fields(K.PROTO_MESSAGE, subject=match.group("iface"), detail=text, attrs=attrs)
            return _fields(K.PROTO_ERROR, subject=match.group("iface"), detail=text, attrs=attrs + (("code", code),))
        return None
    mm_state = _MM_STATE.search(message)
    if mm_state:
        return _fields(
            K.MODEM_STATE,
            subject=mm_state.group("modem"),
            detail=f"{mm_state.group('old')} -> {mm_state.group('new')}",
            attrs=(("from", mm_state.group("old")), ("to", mm_state.group("new"))),
        )
    level = _MM_LEVEL.match(message)
    if level:
        if level.group("level") in _MM_WARNING_LEVELS:
            modem = re.search(r"\[(modem\d+)", level.group("msg"))
            return _fields(K.MODEM_WARNING, subject=modem.group(1) if modem else "", detail=level.group("msg").strip())
        return None
    code = proto_error_code(message)
    if code is not None and code != "":
        return _fields(K.PROTO_ERROR, driver=process, detail=message.strip(), attrs=(("code", code),))
    return None


def pair_ttys(events: Sequence[LogEvent]) -> List[LogEvent]:
    """Give each 'usb 1-1: ... now attached to ttyUSB0' the interface and driver of the
    '<driver> 1-1:1.0: ... converter detected' line the kernel printed just before it for the
    same device (usb-serial prints the pair from one probe). The source line is kept in
    ``attrs`` as 'interface_from_line' so the inference stays visible."""
    out: List[LogEvent] = []
    last_converter: Dict[str, LogEvent] = {}
    for event in events:
        if event.kind is K.SERIAL_CONVERTER and event.device:
            last_converter[event.device] = event
        elif event.kind is K.DISCONNECT and event.device:
            last_converter.pop(event.device, None)
        elif event.kind is K.TTY_ATTACHED and not event.interface and event.device in last_converter:
            source = last_converter[event.device]
            event = dataclasses.replace(
                event,
                interface=source.interface,
                driver=event.driver or source.driver,
                attrs=event.attrs + (("interface_from_line", str(source.line)),),
            )
        out.append(event)
    return out

