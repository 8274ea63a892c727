"""The kernel and system log of a host: every line, and the events that matter for modems.

``dmesg`` and ``logread`` print the same kernel messages with different decorations
(a time since boot, a wall-clock time, a syslog facility and level, a process name).
``LogEntry`` keeps each line with whatever decoration it had; ``LogEvent`` is the typed
reading of the lines a diagnosis needs: USB devices coming and going, drivers binding
netdevs and ttys, enumeration errors, and netifd / protocol-handler / ModemManager
messages. Every event keeps the original line number and text so it can be cited.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


class LogSource(str, enum.Enum):
    DMESG = "dmesg"  # the kernel ring buffer, any dmesg flavour
    LOGREAD = "logread"  # syslog lines: OpenWrt logread, BSD syslog, journalctl short


class LogEventKind(str, enum.Enum):
    """What a log line tells about the host's modem stack."""

    # USB device life cycle
    NEW_DEVICE = "new_device"  # usb 1-1.2: new high-speed USB device number 3 using ehci-platform
    DEVICE_RESET = "device_reset"  # usb 1-1.2: reset high-speed USB device number 3 using ...
    DEVICE_IDS = "device_ids"  # usb 1-1.2: New USB device found, idVendor=12d1, idProduct=1573
    DEVICE_STRING = "device_string"  # usb 1-1.2: Product: HUAWEI Mobile (Manufacturer, SerialNumber)
    DISCONNECT = "disconnect"  # usb 1-1.2: USB disconnect, device number 3
    CONFIG_CHANGE = "config_change"  # usbfs: interface 0 claimed by X while 'usb_modeswitch' sets config #1
    CONFIG_NOTE = "config_note"  # usb 1-1.2: config 1 has an invalid interface number ...
    # drivers
    DRIVER_REGISTERED = "driver_registered"  # usbcore: registered new interface driver cdc_ether
    DRIVER_DEREGISTERED = "driver_deregistered"  # usbcore: deregistering interface driver X
    PROBE_FAILED = "probe_failed"  # option: probe of 1-1.2:1.0 failed with error -22
    NETDEV_REGISTER = "netdev_register"  # cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether' at ...
    NETDEV_UNREGISTER = "netdev_unregister"  # cdc_ether 1-1.2:2.0 eth1: unregister 'cdc_ether' ...
    NETDEV_RENAMED = "netdev_renamed"  # qmi_wwan 1-1.2:1.4 wwan0: renamed from usb0
    SERIAL_CONVERTER = "serial_converter"  # option 1-1.2:1.1: GSM modem (1-port) converter detected
    TTY_ATTACHED = "tty_attached"  # usb 1-1.2: GSM modem (1-port) converter now attached to ttyUSB0
    TTY_DETACHED = "tty_detached"  # option1 ttyUSB0: GSM modem (1-port) converter now disconnected ...
    INTERFACE_DISCONNECTED = "interface_disconnected"  # option 2-1:1.0: device disconnected
    CDC_WDM = "cdc_wdm"  # qmi_wwan 1-1.2:1.4: cdc-wdm0: USB WDM device
    STORAGE = "storage"  # usb-storage 1-1.2:1.0: USB Mass Storage device detected; sd ... disk
    CDROM = "cdrom"  # scsi 0:0:0:0: CD-ROM HUAWEI ...; sr 0:0:0:0: Attached scsi CD-ROM sr0
    # USB trouble
    USB_ERROR = "usb_error"  # device descriptor read/64, error -71; can't set config #1, error -71
    ENUMERATION_FAILED = "enumeration_failed"  # usb usb1-port1: unable to enumerate USB device
    OVER_CURRENT = "over_current"  # usb usb1-port1: over-current condition
    # netifd and protocol handlers (logread)
    INTERFACE_SETUP = "interface_setup"  # netifd: Interface 'wan' is setting up now
    INTERFACE_UP = "interface_up"  # netifd: Interface 'wan' is now up
    INTERFACE_DOWN = "interface_down"  # netifd: Interface 'wan' is now down
    LINK_UP = "link_up"  # netifd: Network device 'wwan0' link is up
    LINK_DOWN = "link_down"  # netifd: Network device 'wwan0' link is down
    PROTO_MESSAGE = "proto_message"  # netifd: wan (2704): Waiting for network registration
    PROTO_ERROR = "proto_error"  # netifd: wan (2704): Unable to connect IPv4
    # ModemManager
    MODEM_STATE = "modem_state"  # [modem0] state changed (registered -> disabling)
    MODEM_WARNING = "modem_warning"  # <warn>/<wrn>/<error>/<err> lines


@dataclass(frozen=True)
class LogEntry:
    """One log line with whatever decoration it carried."""

    line: int  # number in the user's original text
    message: str  # the message without time, facility and process
    text: str  # the whole original line
    time: Optional[float] = None  # seconds since boot, when a '[ 20.091055]' stamp is shown
    wallclock: str = ""  # wall-clock time exactly as shown ('Tue Nov 21 10:00:00 2023')
    facility: str = ""  # syslog facility ('kern', 'daemon')
    level: str = ""  # syslog level ('info', 'notice', 'err')
    host: str = ""  # host name of BSD-style syslog lines
    process: str = ""  # 'kernel', 'netifd', 'pppd', 'ModemManager'; '' when not shown
    pid: Optional[int] = None


@dataclass(frozen=True)
class LogEvent:
    """A log line read as a typed fact."""

    kind: LogEventKind
    line: int
    text: str  # the whole original line, for citing
    time: Optional[float] = None
    wallclock: str = ""
    device: str = ""  # USB port path of the device: '1-1.2' ('usb1' for a root hub)
    interface: str = ""  # USB interface: '1-1.2:2.0'
    driver: str = ""  # 'cdc_ether', 'option', 'qmi_wwan'; the proto for netifd messages
    subject: str = ""  # what appeared: netdev 'eth1', tty 'ttyUSB0', 'cdc-wdm0', 'sr0', iface 'wan'
    detail: str = ""  # the rest of the message that matters
    error_code: Optional[int] = None  # kernel errno as printed (-71, -110, -32)
    attrs: Tuple[Tuple[str, str], ...] = ()  # kind-specific extras: speed, devnum, vid, pid, mac...

    def attr(self, name: str, default: str = "") -> str:
        """The extra named ``name`` (see ``attrs``), or ``default``."""
        for key, value in self.attrs:
            if key == name:
                return value
        return default


@dataclass(frozen=True)
class KernelLog:
    """One log as the user ran it: all lines, and the events read from them."""

    source: LogSource
    entries: Tuple[LogEntry, ...] = ()
    events: Tuple[LogEvent, ...] = ()

    def events_of(self, *kinds: LogEventKind) -> Tuple[LogEvent, ...]:
        """The events of the given kinds, in log order."""
        wanted = set(kinds)
        return tuple(event for event in self.events if event.kind in wanted)

    def events_for(self, device: str) -> Tuple[LogEvent, ...]:
        """The events about one USB device path ('1-1.2'), including its interfaces."""
        return tuple(event for event in self.events if event.device == device)

    def netdevs(self) -> Tuple[Tuple[str, LogEvent], ...]:
        """Each USB netdev the log names, with its latest register/unregister event, in order
        of first appearance; a netdev whose latest event is an unregister is gone."""
        latest: Dict[str, LogEvent] = {}
        for event in self.events:
            if event.kind in (LogEventKind.NETDEV_REGISTER, LogEventKind.NETDEV_UNREGISTER) and event.subject:
                latest[event.subject] = event
        return tuple(latest.items())

