"""What a modem says about itself: the typed facts read from AT transcripts, qmicli, uqmi,
mbimcli and mmcli output.

Every parser of modem output returns one ``ModemSession``: the facts of one transcript, in
the order seen, each with the line that shows it (``line``, ``text``) so a finding can cite
it. Values are normalised across the five tools so that rules need not know which one the
user ran:

- SIM state: ``ready``, ``absent``, ``pin``, ``puk``, ``blocked``, ``not-initialized``,
  ``failure``, ``busy``, ``other``;
- PIN status: ``disabled``, ``verified``, ``not-verified``, ``blocked``,
  ``permanently-blocked``, ``not-initialized``;
- registration: ``home``, ``roaming``, ``searching``, ``not-registered``, ``denied``,
  ``unknown``; ``idle`` for ModemManager's enabled-but-not-registering;
- access technology: ``gsm``, ``umts``, ``lte``, ``nr5g`` (``''`` when not shown);
- data format (QMI link layer): ``802.3`` or ``raw-ip``.

Decoding numbers into meaning and advice (3GPP reject causes, QMI call-end reasons, CME
errors) is done from the tables in ``data/modem/`` by ``parse/_modem_common.py``; the facts
here keep the raw numbers next to what was decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

SIM_STATES: Tuple[str, ...] = ("ready", "absent", "pin", "puk", "blocked", "not-initialized", "failure", "busy", "other")
PIN_STATES: Tuple[str, ...] = ("disabled", "verified", "not-verified", "blocked", "permanently-blocked", "not-initialized")
REG_STATES: Tuple[str, ...] = ("home", "roaming", "searching", "not-registered", "denied", "unknown", "idle")


@dataclass(frozen=True)
class ModemCommand:
    """A command the transcript shows being sent (AT echo, a shell line running a tool)."""

    command: str
    line: int
    text: str


@dataclass(frozen=True)
class IdentityFact:
    """One identity item: field is manufacturer, model, revision, imei, iccid, imsi, msisdn."""

    field: str
    value: str
    line: int
    text: str


@dataclass(frozen=True)
class SimFact:
    """What the SIM card or application is doing (``state`` is one of ``SIM_STATES``)."""

    state: str
    detail: str  # the tool's own word: 'SIM PIN', 'sim-not-inserted', 'absent'
    line: int
    text: str


@dataclass(frozen=True)
class PinFact:
    """PIN1 status and the tries left (None when not shown)."""

    status: str  # one of PIN_STATES, '' when only retries are shown
    pin_retries: Optional[int]
    puk_retries: Optional[int]
    line: int
    text: str


@dataclass(frozen=True)
class SignalFact:
    """Signal as reported; dBm/dB values converted from the index forms (+CSQ, +CESQ)."""

    tech: str
    rssi_dbm: Optional[float] = None
    rsrp_dbm: Optional[float] = None
    rsrq_db: Optional[float] = None
    snr_db: Optional[float] = None
    rscp_dbm: Optional[float] = None
    quality_percent: Optional[int] = None  # ModemManager's 'signal quality'
    no_signal: bool = False  # +CSQ: 99,99, ^HCSQ: "NOSERVICE", all-unknown +CESQ
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class RegistrationFact:
    """One registration report: +CREG/+CGREG/+CEREG, serving system, register state."""

    domain: str  # 'cs', 'ps', 'eps', '5gs' or 'any'
    state: str  # one of REG_STATES
    tech: str = ""
    reject_cause: Optional[int] = None  # 3GPP TS 24.008 / 24.301 cause number
    reject_source: str = ""  # 'creg-n3', 'ceer', 'mbim-nw-error', 'mmcli'
    lac: str = ""
    cell: str = ""
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class OperatorFact:
    name: str = ""
    plmn: str = ""  # 'MCCMNC'
    tech: str = ""
    selection: str = ""  # 'automatic', 'manual', 'deregistered'
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class PdpContextFact:
    """A PDP context the modem holds (+CGDCONT?), with activation and address when shown."""

    cid: int
    pdp_type: str = ""  # 'IP', 'IPV6', 'IPV4V6' (upper case as AT prints it)
    apn: str = ""
    active: Optional[bool] = None
    address: str = ""
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class DataFormatFact:
    link_layer: str  # '802.3' or 'raw-ip' (or what the tool printed)
    line: int
    text: str


@dataclass(frozen=True)
class CallEndFact:
    """A data call that failed: protocol error, call-end reason, verbose reason.

    ``ip_family`` is 4 or 6 when the command or the log says which call it was."""

    protocol_error: str = ""  # 'CallFailed', 'Call failed', 'NoEffect'
    reason_code: Optional[int] = None  # QMI WDS call end reason
    reason: str = ""  # 'gsm-wcdma-option-unsubscribed'
    verbose_type: Optional[int] = None  # 6 = 3GPP, 2 = internal, 3 = call manager
    verbose_code: Optional[int] = None
    verbose_reason: str = ""  # 'option-unsubscribed'
    ip_family: Optional[int] = None
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class BearerFact:
    """The data session as the modem reports it."""

    connected: Optional[bool]
    apn: str = ""
    ip_type: str = ""
    address: str = ""
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class ErrorFact:
    """A command that failed: +CME ERROR, a QMI protocol error, an MBIM status."""

    command: str  # what was asked ('AT+CPIN?', 'get-pin-status', 'query-pin-state')
    error: str  # the error as printed ('SIM not inserted', 'UimUninitialized')
    code: Optional[int] = None  # CME code or QMI error number
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class TransportFact:
    """The tool could not talk to the modem at all: 'Failed to connect to service',
    'Request timed out', 'Failed to open device', a port that did not answer."""

    message: str
    line: int
    text: str


@dataclass(frozen=True)
class SettingFact:
    """A radio-mode or USB-composition setting read from the modem.

    ``kind`` is 'mode' (^SYSCFG, ^SYSCFGEX, +QCFG="nwscanmode", mode preference) or
    'usb' (^SETPORT, +QCFG="usbnet", !USBCOMP) or 'cfun' (+CFUN?)."""

    kind: str
    name: str  # 'SYSCFG', 'usbnet', 'nwscanmode', 'mode-preference', 'CFUN'
    value: str
    meaning: str = ""  # 'auto', 'WCDMA only', 'lte', 'qmi', 'full functionality'
    techs: Tuple[str, ...] = ()  # technologies the mode allows, when it says
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class ManagerStateFact:
    """ModemManager's modem state (mmcli): state, failed reason, power state."""

    state: str
    failed_reason: str = ""
    power_state: str = ""
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class ModemSession:
    """Everything one transcript says about the modem, in the order seen."""

    tool: str  # 'at', 'qmicli', 'uqmi', 'mbimcli', 'mmcli'
    commands: Tuple[ModemCommand, ...] = ()
    identity: Tuple[IdentityFact, ...] = ()
    sim: Tuple[SimFact, ...] = ()
    pins: Tuple[PinFact, ...] = ()
    signals: Tuple[SignalFact, ...] = ()
    registrations: Tuple[RegistrationFact, ...] = ()
    operators: Tuple[OperatorFact, ...] = ()
    contexts: Tuple[PdpContextFact, ...] = ()
    data_formats: Tuple[DataFormatFact, ...] = ()
    call_ends: Tuple[CallEndFact, ...] = ()
    bearers: Tuple[BearerFact, ...] = ()
    errors: Tuple[ErrorFact, ...] = ()
    transport: Tuple[TransportFact, ...] = ()
    settings: Tuple[SettingFact, ...] = ()
    manager: Tuple[ManagerStateFact, ...] = ()
    processes: Tuple[ModemCommand, ...] = ()  # uqmi/qmi.sh/umbim processes a `ps` listing shows
    # qmi_wwan's raw_ip flag as a tool read it (qmicli --get-expected-data-format reads the
    # driver's sysfs flag through libqmi: the kernel side, not the modem's data format)
    raw_ip_flags: Tuple["RawIpFlag", ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.identity, self.sim, self.pins, self.signals, self.registrations, self.operators, self.contexts,
             self.data_formats, self.call_ends, self.bearers, self.errors, self.transport, self.settings,
             self.manager, self.processes, self.raw_ip_flags)
        )

    def ident(self, field: str) -> str:
        """The last value shown for an identity field ('' when none)."""
        for fact in reversed(self.identity):
            if fact.field == field:
                return fact.value
        return ""

    def latest_sim(self) -> Optional[SimFact]:
        return self.sim[-1] if self.sim else None

    def latest_pin(self) -> Optional[PinFact]:
        return self.pins[-1] if self.pins else None

    def latest_registration(self) -> Optional[RegistrationFact]:
        """The last report; a +CREG/+CGREG/+CEREG triple counts as one, the best of them."""
        if not self.registrations:
            return None
        return self.registrations[-1]

    def settings_of(self, kind: str) -> Tuple[SettingFact, ...]:
        return tuple(fact for fact in self.settings if fact.kind == kind)



@dataclass(frozen=True)
class RawIpFlag:
    """qmi_wwan's framing switch for one netdev, ``/sys/class/net/<netdev>/qmi/raw_ip``:
    ``raw_ip`` is True for 'Y' (raw-IP framing), False for 'N' (802.3, the kernel's default)
    and None when the attribute is missing or unreadable (``value`` says which)."""

    netdev: str  # 'wwan0'; '' when only the value was shown (the command names the file)
    raw_ip: Optional[bool]
    value: str  # 'Y', 'N', 'missing', or the error as printed
    line: int = 0
    text: str = ""


@dataclass(frozen=True)
class RawIpState:
    """What one reading of the raw_ip attributes shows (parser kind ``qmi_raw_ip``)."""

    flags: Tuple[RawIpFlag, ...] = ()

# ---------------------------------------------------------------- reading a host
# Small accessors the modem rules share. They read the host by attribute (as model/host.py
# does) so that this module does not import the parsers' models.


def sessions(host: Any) -> Tuple[Tuple[str, ModemSession], ...]:
    """(artifact id, session) for every modem transcript the host holds, in reading order."""
    order = {artifact.id: index for index, artifact in enumerate(getattr(host, "artifacts", ()))}
    found = [(item.artifact, item.value) for item in getattr(host, "modem", ()) if isinstance(item.value, ModemSession)]
    return tuple(sorted(found, key=lambda pair: order.get(pair[0], len(order))))


def decisive_sim(session: ModemSession) -> Optional[SimFact]:
    """The last SIM fact that says what the SIM is (ready, absent, failure, pin, puk,
    blocked); 'not-initialized' and 'busy' only count when nothing else is said."""
    chosen: Optional[SimFact] = None
    for fact in session.sim:
        if fact.state in ("ready", "absent", "failure", "pin", "puk", "blocked"):
            chosen = fact
        elif chosen is None:
            chosen = fact
    return chosen


def facts(host: Any, field: str) -> Tuple[Tuple[str, Any], ...]:
    """(artifact id, fact) for one kind of fact ('sim', 'registrations', ...) across every
    transcript, in reading order: a paste often shows one command per block."""
    return tuple((artifact, fact) for artifact, session in sessions(host) for fact in getattr(session, field))


def host_sim(host: Any) -> Optional[Tuple[str, SimFact]]:
    """``decisive_sim`` over every transcript of the host."""
    chosen: Optional[Tuple[str, SimFact]] = None
    for artifact, fact in facts(host, "sim"):
        if fact.state in ("ready", "absent", "failure", "pin", "puk", "blocked") or chosen is None:
            chosen = (artifact, fact)
    return chosen


def host_registration(host: Any) -> Optional[Tuple[str, RegistrationFact]]:
    """The last registration report of the host (any tool)."""
    found = facts(host, "registrations")
    return found[-1] if found else None


def proto_events(host: Any, *codes: str) -> Tuple[Tuple[str, Any], ...]:
    """(artifact id, LogEvent) for netifd/protocol-handler errors with one of ``codes``
    (all proto errors when none are given)."""
    wanted = set(codes)
    out = []
    for artifact, event in host.log_events("proto_error"):
        code = event.attr("code") if hasattr(event, "attr") else ""
        if not wanted or code in wanted:
            out.append((artifact, event))
    return tuple(out)


def proto_messages(host: Any, pattern: "re.Pattern[str]") -> Tuple[Tuple[str, Any], ...]:
    """(artifact id, LogEvent) for protocol-handler lines (errors or not) matching ``pattern``."""
    return tuple((artifact, event) for artifact, event in host.log_events("proto_message", "proto_error")
                 if pattern.search(getattr(event, "detail", "") or getattr(event, "text", "")))


def log_lines(host: Any, pattern: "re.Pattern[str]") -> Tuple[Tuple[str, Any], ...]:
    """(artifact id, LogEntry) for every kernel/syslog line whose message matches."""
    out = []
    for item in getattr(host, "logs", ()):
        for entry in getattr(item.value, "entries", ()) or ():
            if pattern.search(getattr(entry, "message", "") or ""):
                out.append((item.artifact, entry))
    return tuple(out)


def ifstatus_errors(host: Any, *codes: str) -> Tuple[Tuple[str, Any, Any], ...]:
    """(artifact id, IfStatus, IfError) for netifd interface errors with one of ``codes``."""
    wanted = set(codes)
    out = []
    for item in getattr(host, "network", ()):
        statuses = getattr(item.value, "statuses", None)
        if statuses is None and hasattr(item.value, "errors"):
            statuses = (item.value,)
        for status in statuses or ():
            for error in getattr(status, "errors", ()) or ():
                if not wanted or error.code in wanted:
                    out.append((item.artifact, status, error))
    return tuple(out)


CELLULAR_PROTOS = ("qmi", "mbim", "ncm", "3g", "modemmanager", "directip", "wwan")


def cellular_interfaces(host: Any, protos: Tuple[str, ...] = CELLULAR_PROTOS) -> Tuple[Tuple[str, Any], ...]:
    """(artifact id, UCI section) of network interfaces using a cellular proto; the last
    showing of each interface name wins (a user who pastes the file twice changed it)."""
    latest: Dict[str, Tuple[str, Any]] = {}
    for artifact, section in host.uci_sections():
        if getattr(section, "type", "") != "interface" or getattr(section, "config", "network") not in ("network", ""):
            continue
        proto = section.get("proto") if hasattr(section, "get") else None
        if proto in protos:
            latest[str(getattr(section, "name", "") or "")] = (artifact, section)
    return tuple(latest.values())


def iface_name(section: Any, default: str = "IFACE") -> str:
    """The UCI interface name to put in a suggested command: only a valid UCI name
    ([A-Za-z0-9_]) is used, so a pasted oddity never ends up in a shell line."""
    name = str(getattr(section, "name", "") or "")
    return name if re.match(r"^[A-Za-z0-9_]+$", name) else default


def option_line(section: Any, name: str) -> int:
    option = section.option(name) if hasattr(section, "option") else None
    return int(getattr(option, "line", 0) or getattr(section, "line", 0) or 0)


def call_family(host: Any, artifact: str, fact: CallEndFact) -> Optional[int]:
    """4 or 6: which call failed, from the fact or the command shown above its block."""
    if fact.ip_family is not None:
        return fact.ip_family
    found = host.artifact(artifact) if hasattr(host, "artifact") else None
    command = getattr(found, "command", None) or ""
    match = re.search(r"ip-type=(\d)|--ip-family[ =]ipv(\d)", command)
    if match:
        return int(match.group(1) or match.group(2))
    return None


_RAW_IP_PATH = re.compile(r"/sys/class/net/([\w.@:-]+)/qmi/raw_ip\b")


def raw_ip_flags(host: Any) -> Tuple[Tuple[str, RawIpFlag], ...]:
    """(artifact id, RawIpFlag) for every qmi_wwan raw_ip reading, in reading order; a bare
    'Y'/'N' gets its netdev from the command shown above its block ('cat .../wwan0/qmi/raw_ip').
    Readings through a tool (qmicli --get-expected-data-format) come from the modem sessions."""
    out: List[Tuple[str, RawIpFlag]] = []
    found = host.of_kind("qmi_raw_ip") if hasattr(host, "of_kind") else ()
    for artifact_id, session in sessions(host):
        out.extend((artifact_id, flag) for flag in session.raw_ip_flags)
    for item in found:
        if not isinstance(item.value, RawIpState):
            continue
        named = ""
        artifact = host.artifact(item.artifact) if hasattr(host, "artifact") else None
        match = _RAW_IP_PATH.search(getattr(artifact, "command", None) or "")
        if match:
            named = match.group(1)
        for flag in item.value.flags:
            if not flag.netdev and named:
                flag = RawIpFlag(named, flag.raw_ip, flag.value, flag.line, flag.text)
            out.append((item.artifact, flag))
    # one reading order across both sources: the last reading of a netdev is the one that counts
    order = {artifact.id: index for index, artifact in enumerate(getattr(host, "artifacts", ()))}
    out.sort(key=lambda pair: (order.get(pair[0], len(order)), pair[1].line))
    return tuple(out)
