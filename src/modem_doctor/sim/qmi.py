"""QMI modem simulator: complete QMUX frames in, replies and indications out.

API (transport-independent; no threads, no file descriptors)::

    from modem_doctor.sim.qmi import QmiModem
    modem = QmiModem("mu609", "ready")          # or QmiModem(state=shared_state)
    replies = modem.handle(frame)               # frame: one whole QMUX frame (bytes)
    for reply in replies: write(reply)          # responses first, then indications

``handle`` never raises on bad input: undecodable bytes give ``[]`` (a real modem drops
them too). Unknown messages of a known service are answered with QMI error
NotSupported (0x5e), unknown services with InvalidQmiCommand on CTL-level clients, so
qmicli, uqmi and ModemManager degrade gracefully. A byte stream (pty) is cut into frames
with ``qmux.FrameSplitter``; ``QmiModem.feed_stream(data)`` does both.

Implemented: CTL version info 0x21, allocate 0x22, release 0x23, set data format 0x26,
sync 0x27; DMS capabilities 0x20, manufacturer 0x21, model 0x22, revision 0x23, MSISDN
0x24, IDs 0x25, PIN protection/verify/unblock 0x27-0x29, PIN status 0x2B, hardware
revision 0x2C, operating mode get/set 0x2D/0x2E, ICCID 0x3C, IMSI 0x43, UIM state 0x44;
NAS signal strength 0x20, serving system 0x24, home network 0x25, system selection
preference set/get 0x33/0x34, system info 0x4D, signal info 0x4F; UIM verify 0x26,
unblock 0x27, card status 0x2F; WDA set/get data format 0x20/0x21; WDS start 0x20, stop
0x21, packet service status 0x22 (+ indication), profile list 0x2A, profile settings 0x2B,
current settings 0x2D, set IP family 0x4D.

Layouts follow libqmi's public message definitions (facts only; the code is our own).
"""

from __future__ import annotations

import ipaddress
import struct
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from . import qmux
from .profiles import Profile, Scenario
from .qmux import QmiMessage, result_tlv
from .state import ModemState

Handler = Callable[["QmiModem", QmiMessage], Tuple[int, Dict[int, bytes]]]

# QMI radio interface numbers (NAS/DMS).
RADIO_IF = {"gsm": 4, "umts": 5, "lte": 8}
# NAS data service capability numbers for get-serving-system TLV 0x11.
DATA_CAPS = {"gsm": (1, 2), "umts": (5, 3, 4), "lte": (11,)}
# NAS mode preference bits.
MODE_BITS = {"gsm": 1 << 2, "umts": 1 << 3, "lte": 1 << 4}

# 3GPP session cause -> legacy WDS call end reason (QmiWdsCallEndReason GSM/WCDMA values).
LEGACY_CALL_END = {8: 1012, 26: 1005, 27: 1013, 28: 1014, 29: 10, 30: 1015, 31: 1016,
                   32: 1017, 33: 1018, 34: 1006, 38: 1009, 50: 1014, 51: 1014}
VERBOSE_TYPE_3GPP = 6

USIM_AID = bytes.fromhex("a0000000871002ffffffff8906190000")


def _text(value: str) -> bytes:
    return value.encode("utf-8")


def _ipv4_le(address: str) -> bytes:
    # libqmi reads IPv4 settings as a little-endian u32 holding the address number.
    return struct.pack("<I", int(ipaddress.IPv4Address(address)))


def _ipv6(address: str) -> bytes:
    return ipaddress.IPv6Address(address).packed


def _prefix_mask(prefix: int) -> int:
    return (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF if prefix else 0


class QmiModem:
    """A simulated QMI control channel (one per cdc-wdm device)."""

    def __init__(self, profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
                 state: Optional[ModemState] = None, overrides: Optional[Dict[str, Any]] = None) -> None:
        self.state = state if state is not None else ModemState(profile, scenario, overrides)
        self.profile = self.state.profile
        self._next_cid: Dict[int, int] = {}
        self.clients: Dict[Tuple[int, int], Dict[str, Any]] = {}
        self._next_handle = 0x4F000001
        self.log: List[str] = []  # one line per request handled, for test failure messages
        self._splitter = qmux.FrameSplitter()
        self._last_connected = False

    # --- public API ---------------------------------------------------------------------------
    def handle(self, frame: bytes) -> List[bytes]:
        """Answer one QMUX frame: the response, then any indications it caused."""
        try:
            msg = qmux.decode(bytes(frame))
        except qmux.FrameError as frame_error:
            self.log.append(f"dropped undecodable frame {bytes(frame).hex()}: {frame_error}")
            return []
        if msg.kind != "request":
            return []
        if self.state.port_silent("qmi"):
            self.log.append(f"silent: svc 0x{msg.service:02x} msg 0x{msg.message:04x} not answered")
            return []
        handler = HANDLERS.get((msg.service, msg.message))
        if handler is None:
            error = qmux.ERR_NOT_SUPPORTED if msg.service in SERVICES else qmux.ERR_INVALID_QMI_COMMAND
            tlvs: Dict[int, bytes] = {}
            self.log.append(f"svc 0x{msg.service:02x} msg 0x{msg.message:04x}: not supported")
        else:
            try:
                error, tlvs = handler(self, msg)
            except (struct.error, IndexError, ValueError) as exc:
                error, tlvs = qmux.ERR_MALFORMED_MESSAGE, {}
                self.log.append(f"svc 0x{msg.service:02x} msg 0x{msg.message:04x}: malformed ({exc})")
            else:
                self.log.append(f"svc 0x{msg.service:02x} msg 0x{msg.message:04x}: error 0x{error:04x}")
        reply = QmiMessage(service=msg.service, client=msg.client, message=msg.message,
                           transaction=msg.transaction, kind="response", from_modem=True,
                           tlvs=dict([(0x02, result_tlv(error))] + list(tlvs.items())))
        return [qmux.encode(reply)] + self._indications()

    def feed_stream(self, data: bytes) -> List[bytes]:
        """Answer whatever whole frames ``data`` completes (for byte-stream transports)."""
        out: List[bytes] = []
        for frame in self._splitter.feed(data):
            out.extend(self.handle(frame))
        return out

    # --- helpers ----------------------------------------------------------------------------------
    def client(self, msg: QmiMessage) -> Dict[str, Any]:
        return self.clients.setdefault((msg.service, msg.client), {})

    def _indications(self) -> List[bytes]:
        connected = self.state.connected()
        if connected == self._last_connected:
            return []
        self._last_connected = connected
        out = []
        for (service, cid) in sorted(self.clients):
            if service != qmux.SERVICE_WDS:
                continue
            tlvs = {0x01: struct.pack("<BB", 2 if connected else 1, 0)}
            out.append(qmux.encode(QmiMessage(service=service, client=cid, message=0x0022, transaction=0,
                                              kind="indication", from_modem=True, tlvs=tlvs)))
        return out

    def versions(self) -> List[Tuple[int, int, int]]:
        table = self.profile.data.get("qmi", {}).get("versions") or {"ctl": [1, 5]}
        out = []
        for name, (major, minor) in table.items():
            if name in qmux.SERVICE_NAMES:
                out.append((qmux.SERVICE_NAMES[name], int(major), int(minor)))
        return out

    def sim_error(self) -> int:
        """QMI error for SIM-dependent requests, or 0 when the SIM is usable."""
        sim = self.state.sim_state()
        if sim == "ready":
            return 0
        if sim == "absent":
            return qmux.ERR_UIM_UNINITIALIZED
        if sim == "blocked":
            return qmux.ERR_PIN_PERMANENTLY_BLOCKED
        return qmux.ERR_PIN_BLOCKED if sim == "puk" else qmux.ERR_DEVICE_NOT_READY


# ======================================================================================= CTL
def ctl_version_info(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    versions = m.versions()
    body = struct.pack("<B", len(versions)) + b"".join(struct.pack("<BHH", s, a, b) for s, a, b in versions)
    return 0, {0x01: body}


def ctl_allocate(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    service = msg.u8(0x01)
    if service is None:
        return qmux.ERR_MISSING_ARGUMENT, {}
    known = {s for s, _, _ in m.versions()}
    if service not in known:
        return qmux.ERR_INVALID_ARGUMENT, {}
    cid = m._next_cid.get(service, 1)
    if cid > 255:
        return qmux.ERR_CLIENT_IDS_EXHAUSTED, {}
    m._next_cid[service] = cid + 1
    m.clients[(service, cid)] = {}
    return 0, {0x01: struct.pack("<BB", service, cid)}


def ctl_release(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    value = msg.tlv(0x01)
    if not value or len(value) < 2:
        return qmux.ERR_MISSING_ARGUMENT, {}
    service, cid = value[0], value[1]
    if (service, cid) not in m.clients:
        return qmux.ERR_INVALID_CLIENT_ID, {}
    del m.clients[(service, cid)]
    return 0, {0x01: struct.pack("<BB", service, cid)}


def ctl_set_data_format(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    protocol = msg.u16(0x10, 1)
    return 0, {0x10: struct.pack("<H", protocol or 1)}


def ctl_sync(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    # A sync drops every client the host had, like a fresh modem.
    m.clients = {k: v for k, v in m.clients.items() if k[0] == qmux.SERVICE_CTL}
    return 0, {}


# ======================================================================================= DMS
def dms_capabilities(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    tx, rx = m.profile.data.get("max_rates_kbps", [5760, 21600])
    radios = [RADIO_IF[t] for t in m.profile.technologies if t in RADIO_IF]
    body = struct.pack("<IIBBB", int(tx) * 1000, int(rx) * 1000, 3, 2, len(radios)) + bytes(radios)
    return 0, {0x01: body}


def _dms_string(key: str) -> Handler:
    def handler(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
        return 0, {0x01: _text(m.state.ident(key))}
    return handler


def dms_msisdn(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    error = m.sim_error()
    if error:
        return error, {}
    number = str(m.state.sim.get("msisdn", ""))
    return (0, {0x01: _text(number)}) if number else (qmux.ERR_NOT_PROVISIONED, {})


def dms_ids(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    tlvs = {}
    for tlv, key in ((0x10, "esn"), (0x11, "imei"), (0x12, "meid")):
        value = m.state.ident(key)
        if value:
            tlvs[tlv] = _text(value)
    if m.state.ident("imeisv"):
        tlvs[0x13] = _text(m.state.ident("imeisv"))
    return 0, tlvs


def _retries(m: QmiModem) -> bytes:
    sim = m.state.sim
    return struct.pack("<BB", int(sim.get("pin_retries", 3)), int(sim.get("puk_retries", 10)))


def _pin_request(value: Optional[bytes]) -> Tuple[int, List[str]]:
    """Decode a PIN-ID byte followed by length-prefixed strings."""
    if not value:
        raise ValueError("missing PIN info")
    pin_id, pos, strings = value[0], 1, []
    while pos < len(value):
        length = value[pos]
        strings.append(value[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length
    return pin_id, strings


def _verify(m: QmiModem, pin_id: int, pin: str) -> Tuple[int, Dict[int, bytes]]:
    sim_state = m.state.sim_state()
    if sim_state == "absent":
        return qmux.ERR_UIM_UNINITIALIZED, {}
    if pin_id != 1:
        return qmux.ERR_NOT_SUPPORTED, {}
    if sim_state in ("puk", "blocked"):
        return qmux.ERR_PIN_BLOCKED, {0x10: _retries(m)}
    ok, _ = m.state.verify_pin(pin)
    if ok:
        return 0, {}
    error = qmux.ERR_PIN_BLOCKED if m.state.sim_state() == "puk" else qmux.ERR_INCORRECT_PIN
    return error, {0x10: _retries(m)}


def _unblock(m: QmiModem, pin_id: int, puk: str, new_pin: str) -> Tuple[int, Dict[int, bytes]]:
    sim_state = m.state.sim_state()
    if sim_state == "absent":
        return qmux.ERR_UIM_UNINITIALIZED, {}
    if sim_state == "blocked":
        return qmux.ERR_PIN_PERMANENTLY_BLOCKED, {0x10: _retries(m)}
    ok, _ = m.state.unblock_pin(puk, new_pin)
    if ok:
        return 0, {}
    if m.state.sim_state() == "blocked":
        return qmux.ERR_PIN_PERMANENTLY_BLOCKED, {0x10: _retries(m)}
    return qmux.ERR_INCORRECT_PIN, {0x10: _retries(m)}


def dms_set_pin_protection(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    value = msg.tlv(0x01)
    if not value or len(value) < 3:
        return qmux.ERR_MISSING_ARGUMENT, {}
    pin_id, enable = value[0], bool(value[1])
    pin = value[3:3 + value[2]].decode("ascii", "replace")
    error, tlvs = _verify(m, pin_id, pin)
    if not error:
        m.state.sim["pin_enabled"] = enable
    return error, tlvs


def dms_verify_pin(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    pin_id, strings = _pin_request(msg.tlv(0x01))
    return _verify(m, pin_id, strings[0] if strings else "")


def dms_unblock_pin(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    pin_id, strings = _pin_request(msg.tlv(0x01))
    strings += ["", ""]
    return _unblock(m, pin_id, strings[0], strings[1])


def _pin1_state(m: QmiModem, dms: bool) -> int:
    """PIN1 state number (DMS and UIM share 0..5: not-init, enabled-not-verified,
    enabled-verified, disabled, blocked, permanently-blocked)."""
    sim_state = m.state.sim_state()
    if sim_state == "pin":
        return 1
    if sim_state == "puk":
        return 4
    if sim_state == "blocked":
        return 5
    return 2 if m.state.sim.get("pin_enabled") else 3


def dms_pin_status(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    if m.state.sim_state() == "absent":
        return qmux.ERR_UIM_UNINITIALIZED, {}
    sim = m.state.sim
    pin1 = struct.pack("<BBB", _pin1_state(m, True), int(sim.get("pin_retries", 3)), int(sim.get("puk_retries", 10)))
    pin2 = struct.pack("<BBB", 2, int(sim.get("pin2_retries", 3)), int(sim.get("puk2_retries", 10)))
    return 0, {0x11: pin1, 0x12: pin2}


def dms_get_operating_mode(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    mode = 0 if m.state.cfun == 1 else 1
    return 0, {0x01: bytes([mode]), 0x11: b"\x00"}


def dms_set_operating_mode(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    mode = msg.u8(0x01)
    if mode is None:
        return qmux.ERR_MISSING_ARGUMENT, {}
    if mode == 0:
        m.state.set_cfun(1)
    elif mode in (1, 3, 6, 7):
        m.state.set_cfun(4)
    elif mode == 4:
        m.state.reset()
    else:
        return qmux.ERR_INVALID_ARGUMENT, {}
    return 0, {}


def dms_iccid(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    if m.state.sim_state() == "absent":
        return qmux.ERR_UIM_UNINITIALIZED, {}
    return 0, {0x01: _text(str(m.state.sim.get("iccid", "")))}


def dms_imsi(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    error = m.sim_error()
    if error:
        return error, {}
    return 0, {0x01: _text(str(m.state.sim.get("imsi", "")))}


def dms_uim_state(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    sim_state = m.state.sim_state()
    value = {"ready": 0, "absent": 2}.get(sim_state, 1)
    return 0, {0x01: bytes([value])}


# ======================================================================================= NAS
def nas_signal_strength(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    tech = m.state.serving_tech()
    sig = m.state.signal()
    if tech is None or "rssi" not in sig:
        return qmux.ERR_NO_NETWORK_FOUND, {}
    radio = RADIO_IF[tech]
    rssi = int(sig["rssi"])
    tlvs = {
        0x01: struct.pack("<bB", rssi, radio),
        0x11: struct.pack("<BBB", 1, min(255, -rssi), radio),
    }
    if "ecio" in sig:
        tlvs[0x12] = struct.pack("<BBB", 1, min(255, int(round(-float(sig["ecio"]) * 2))), radio)
    if tech == "lte":
        tlvs[0x16] = struct.pack("<bB", int(sig.get("rsrq", -10)), radio)
        tlvs[0x17] = struct.pack("<h", int(round(float(sig.get("sinr", 10)) * 10)))
        tlvs[0x18] = struct.pack("<h", int(sig.get("rsrp", -100)))
    return 0, tlvs


def _reg_numbers(m: QmiModem) -> Tuple[int, int, int]:
    """(registration state, CS attach, PS attach) in NAS numbering."""
    reg, _ = m.state.registration()
    state = {"home": 1, "roaming": 1, "searching": 2, "denied": 3, "idle": 0}.get(reg, 4)
    registered = reg in ("home", "roaming")
    cs = 1 if registered else 2
    ps = 1 if m.state.attached() else 2
    return state, cs, ps


def _plmn_tlv(m: QmiModem, home: bool = False) -> bytes:
    net = m.state.s["network"]
    name = _text(str(net.get("operator", "")))
    return struct.pack("<HHB", int(net.get("mcc", "001")), int(net.get("mnc", "01")), len(name)) + name


def nas_serving_system(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    state, cs, ps = _reg_numbers(m)
    reg, _ = m.state.registration()
    tech = m.state.serving_tech() if reg in ("home", "roaming") else None
    radios = [RADIO_IF[tech]] if tech else []
    tlvs = {0x01: struct.pack("<BBBBB", state, cs, ps, 2 if tech else 0, len(radios)) + bytes(radios)}
    if tech:
        tlvs[0x10] = bytes([0 if reg == "roaming" else 1])
        caps = DATA_CAPS[tech]
        tlvs[0x11] = bytes([len(caps)]) + bytes(caps)
        tlvs[0x12] = _plmn_tlv(m)
        net = m.state.s["network"]
        lac = int(net.get("tac" if tech == "lte" else "lac", 0))
        tlvs[0x1C] = struct.pack("<H", lac & 0xFFFF)
        tlvs[0x1D] = struct.pack("<I", int(net.get("cell_id", 0)))
    return 0, tlvs


def nas_home_network(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    error = m.sim_error()
    if error:
        return error, {}
    imsi = str(m.state.sim.get("imsi", "00101"))
    name = _text(str(m.state.s["network"].get("operator", "")))
    body = struct.pack("<HHB", int(imsi[:3]), int(imsi[3:5]), len(name)) + name
    return 0, {0x01: body}


MODE_FROM_BITS = [
    (("gsm", "umts", "lte"), "auto"), (("gsm",), "gsm-only"), (("umts",), "umts-only"),
    (("lte",), "lte-only"), (("gsm", "umts"), "gsm-umts"), (("umts", "lte"), "umts-lte"),
]


def nas_set_selection(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    bits = msg.u16(0x11)
    if bits is not None:
        techs = tuple(t for t in ("gsm", "umts", "lte") if bits & MODE_BITS[t])
        for combo, name in MODE_FROM_BITS:
            if set(combo) == set(techs):
                m.state.set_mode(name)
                break
        else:
            return qmux.ERR_INVALID_ARGUMENT, {}
    return 0, {}


def nas_get_selection(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    from .state import MODE_TECHS
    bits = 0
    for tech in MODE_TECHS.get(m.state.mode, MODE_TECHS["auto"]):
        bits |= MODE_BITS[tech]
    return 0, {0x10: b"\x00", 0x11: struct.pack("<H", bits), 0x16: b"\x00"}


def nas_system_info(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    reg, cause = m.state.registration()
    tech = m.state.serving_tech()
    if reg == "denied" and tech is None:
        techs = m.state.technologies()
        tech = techs[0] if techs else None
    tlvs: Dict[int, bytes] = {}
    net = m.state.s["network"]
    for name, status_tlv, info_tlv in (("gsm", 0x12, 0x17), ("umts", 0x13, 0x18), ("lte", 0x14, 0x19)):
        if name not in m.profile.technologies:
            continue
        if name != tech:
            tlvs[status_tlv] = struct.pack("<BBB", 0, 0, 0)
            continue
        registered = reg in ("home", "roaming")
        service = 2 if registered else 1  # limited service while denied
        tlvs[status_tlv] = struct.pack("<BBB", service, service, 0)
        domain = 3 if registered else 0
        roam = 1 if reg == "roaming" else 0
        lac = int(net.get("tac" if name == "lte" else "lac", 0)) & 0xFFFF
        mcc = str(net.get("mcc", "001")).encode("ascii")[:3].ljust(3, b"\xff")
        mnc = str(net.get("mnc", "01")).encode("ascii")[:3].ljust(3, b"\xff")
        body = struct.pack("<BBBBBBBB", 1, domain, 1, 3, 1, roam, 1, 0)
        if name == "lte":
            body += struct.pack("<BH", 0, 0)  # LAC not valid on LTE; TAC comes at the end
        else:
            body += struct.pack("<BH", 1, lac)
        body += struct.pack("<BI", 1, int(net.get("cell_id", 0)))
        if reg == "denied":
            body += struct.pack("<BBB", 1, 3, int(cause or 0))
        else:
            body += struct.pack("<BBB", 0, 0, 0)
        body += struct.pack("<B", 1) + mcc + mnc
        if name == "gsm":
            body += struct.pack("<BBBB", 1, 1, 1, 0)
        elif name == "umts":
            body += struct.pack("<BBBBBH", 1, 4, 1, 3, 1, 0x0123)
        else:
            body += struct.pack("<BH", 1, lac)
        tlvs[info_tlv] = body
    return 0, tlvs


def nas_signal_info(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    tech = m.state.serving_tech()
    sig = m.state.signal()
    tlvs: Dict[int, bytes] = {}
    if tech == "gsm":
        tlvs[0x12] = struct.pack("<b", int(sig.get("rssi", -80)))
    elif tech == "umts":
        tlvs[0x13] = struct.pack("<bh", int(sig.get("rssi", -80)), int(round(-float(sig.get("ecio", -6)) * 2)))
    elif tech == "lte":
        tlvs[0x14] = struct.pack("<bbhh", int(sig.get("rssi", -70)), int(sig.get("rsrq", -10)),
                                 int(sig.get("rsrp", -100)), int(round(float(sig.get("sinr", 10)) * 10)))
    return 0, tlvs


def nas_ok(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    return 0, {}


# ======================================================================================= UIM
def uim_card_status(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    sim_state = m.state.sim_state()
    sim = m.state.sim
    if sim_state == "absent":
        body = struct.pack("<HHHHB", 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 1)
        body += struct.pack("<BBBBBB", 0, 0, 0, 0, 0, 0)
        return 0, {0x10: body}
    app_state = {"ready": 7, "pin": 2, "puk": 3, "blocked": 5}.get(sim_state, 6)
    pin1 = _pin1_state(m, False)
    body = struct.pack("<HHHHB", 0x0000, 0xFFFF, 0xFFFF, 0xFFFF, 1)
    body += struct.pack("<BBBBBB", 1, 0, 0, 0, 0, 1)  # present, UPIN unused, 1 application
    body += struct.pack("<BBBBBB", 2, app_state, 2, 0, 0, 0)  # USIM, state, personalization ready
    body += bytes([len(USIM_AID)]) + USIM_AID
    body += struct.pack("<BBBBBBB", 0, pin1, int(sim.get("pin_retries", 3)), int(sim.get("puk_retries", 10)),
                        2, int(sim.get("pin2_retries", 3)), int(sim.get("puk2_retries", 10)))
    return 0, {0x10: body}


def _uim_pin(msg: QmiMessage) -> Tuple[int, List[str]]:
    return _pin_request(msg.tlv(0x02))


def uim_verify_pin(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    pin_id, strings = _uim_pin(msg)
    return _verify(m, pin_id, strings[0] if strings else "")


def uim_unblock_pin(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    pin_id, strings = _uim_pin(msg)
    strings += ["", ""]
    return _unblock(m, pin_id, strings[0], strings[1])


# ======================================================================================= WDA
LINK_LAYER = {"802-3": 1, "raw-ip": 2}


def _wda_format(m: QmiModem) -> Dict[int, bytes]:
    wda = m.state.s["wda"]
    llp = LINK_LAYER.get(str(wda.get("link_layer", "raw-ip")), 2)
    return {0x10: b"\x00", 0x11: struct.pack("<I", llp), 0x12: struct.pack("<I", 0), 0x13: struct.pack("<I", 0)}


def wda_get_format(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    return 0, _wda_format(m)


def wda_set_format(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    wda = m.state.s["wda"]
    requested = msg.u32(0x11)
    if requested is not None:
        names = {v: k for k, v in LINK_LAYER.items()}
        wanted = names.get(requested)
        if wanted is None:
            return qmux.ERR_INVALID_ARGUMENT, {}
        supported = wda.get("supported", ["802-3", "raw-ip"])
        # A modem that cannot do the requested framing answers with the one it applied.
        wda["link_layer"] = wanted if wanted in supported else supported[0]
    return 0, _wda_format(m)


# ======================================================================================= WDS
def wds_start(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    client = m.client(msg)
    family = msg.u8(0x19, client.get("ip_family", 4))
    ip_type = "ipv6" if family == 6 else "ipv4"
    apn = msg.text(0x14)
    profile = msg.u8(0x31)
    if apn is None and profile is not None:
        for ctx in m.state.data.get("contexts", []):
            if ctx.get("cid") == profile:
                apn = str(ctx.get("apn", ""))
    if ip_type in m.state.sessions:
        return qmux.ERR_NO_EFFECT, {}
    result = m.state.start_call(apn, ip_type, msg.text(0x17), msg.text(0x18))
    if result.ok:
        handle = m._next_handle
        m._next_handle += 1
        client.setdefault("handles", {})[handle] = ip_type
        client["connected_family"] = ip_type
        return 0, {0x01: struct.pack("<I", handle)}
    if result.cause is None:
        return qmux.ERR_CALL_FAILED, {0x10: struct.pack("<H", 3)}
    legacy = LEGACY_CALL_END.get(result.cause, 1)
    return qmux.ERR_CALL_FAILED, {0x10: struct.pack("<H", legacy),
                                  0x11: struct.pack("<HH", VERBOSE_TYPE_3GPP, result.cause)}


def wds_stop(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    handle = msg.u32(0x01)
    if handle is None:
        return qmux.ERR_MISSING_ARGUMENT, {}
    for client in m.clients.values():
        ip_type = client.get("handles", {}).pop(handle, None)
        if ip_type is not None:
            m.state.stop_call(ip_type)
            return 0, {}
    if handle == 0xFFFFFFFF and m.state.connected():  # qmicli's "disable-autoconnect" global handle
        m.state.stop_call()
        return 0, {}
    return qmux.ERR_INVALID_ARGUMENT if not m.state.connected() else qmux.ERR_OUT_OF_CALL, {}


def wds_packet_status(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    return 0, {0x01: bytes([2 if m.state.connected() else 1])}


PDP_TYPES = {"IP": 0, "IPV4": 0, "PPP": 1, "IPV6": 2, "IPV4V6": 3}


def wds_profile_list(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    contexts = m.state.data.get("contexts", [])
    body = bytes([len(contexts)])
    for ctx in contexts:
        name = _text(f"profile{ctx.get('cid')}")
        body += struct.pack("<BBB", 0, int(ctx.get("cid", 1)), len(name)) + name
    return 0, {0x01: body}


def wds_profile_settings(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    value = msg.tlv(0x01)
    if not value or len(value) < 2:
        return qmux.ERR_MISSING_ARGUMENT, {}
    for ctx in m.state.data.get("contexts", []):
        if int(ctx.get("cid", 0)) == value[1]:
            return 0, {0x10: _text(f"profile{value[1]}"),
                       0x11: bytes([PDP_TYPES.get(str(ctx.get("type", "IP")).upper(), 0)]),
                       0x14: _text(str(ctx.get("apn", "")))}
    return 0x000A, {}  # QMI InvalidProfile


def wds_current_settings(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    client = m.client(msg)
    family = client.get("connected_family") or client.get("ip_family")
    if family not in m.state.sessions:
        family = "ipv4" if "ipv4" in m.state.sessions else ("ipv6" if "ipv6" in m.state.sessions else None)
    if family is None:
        return qmux.ERR_OUT_OF_CALL, {}
    data = m.state.data
    tlvs: Dict[int, bytes] = {0x14: _text(m.state.sessions[family])}
    if family == "ipv4":
        v4 = data.get("ipv4", {})
        dns = list(v4.get("dns", []))
        if dns:
            tlvs[0x15] = _ipv4_le(dns[0])
        if len(dns) > 1:
            tlvs[0x16] = _ipv4_le(dns[1])
        tlvs[0x1E] = _ipv4_le(v4.get("address", "10.0.0.2"))
        tlvs[0x20] = _ipv4_le(v4.get("gateway", "10.0.0.1"))
        tlvs[0x21] = struct.pack("<I", _prefix_mask(int(v4.get("prefix", 30))))
        tlvs[0x2B] = b"\x04"
    else:
        v6 = data.get("ipv6", {})
        prefix = int(v6.get("prefix", 64))
        tlvs[0x25] = _ipv6(v6.get("address", "2001:db8::2")) + bytes([prefix])
        tlvs[0x26] = _ipv6(v6.get("gateway", "2001:db8::1")) + bytes([prefix])
        dns = list(v6.get("dns", []))
        if dns:
            tlvs[0x27] = _ipv6(dns[0])
        if len(dns) > 1:
            tlvs[0x28] = _ipv6(dns[1])
        tlvs[0x2B] = b"\x06"
    tlvs[0x29] = struct.pack("<I", int(data.get("mtu", 1500)))
    return 0, tlvs


def wds_set_ip_family(m: QmiModem, msg: QmiMessage) -> Tuple[int, Dict[int, bytes]]:
    family = msg.u8(0x01)
    if family not in (4, 6, 8):
        return qmux.ERR_INVALID_ARGUMENT, {}
    m.client(msg)["ip_family"] = 4 if family == 8 else family
    return 0, {}


SERVICES = {qmux.SERVICE_CTL, qmux.SERVICE_WDS, qmux.SERVICE_DMS, qmux.SERVICE_NAS, qmux.SERVICE_QOS,
            qmux.SERVICE_WMS, qmux.SERVICE_PDS, qmux.SERVICE_VOICE, qmux.SERVICE_UIM, qmux.SERVICE_PBM,
            qmux.SERVICE_LOC, qmux.SERVICE_WDA}

HANDLERS: Dict[Tuple[int, int], Handler] = {
    (qmux.SERVICE_CTL, 0x0021): ctl_version_info,
    (qmux.SERVICE_CTL, 0x0022): ctl_allocate,
    (qmux.SERVICE_CTL, 0x0023): ctl_release,
    (qmux.SERVICE_CTL, 0x0026): ctl_set_data_format,
    (qmux.SERVICE_CTL, 0x0027): ctl_sync,
    (qmux.SERVICE_DMS, 0x0020): dms_capabilities,
    (qmux.SERVICE_DMS, 0x0021): _dms_string("manufacturer"),
    (qmux.SERVICE_DMS, 0x0022): _dms_string("model"),
    (qmux.SERVICE_DMS, 0x0023): _dms_string("revision"),
    (qmux.SERVICE_DMS, 0x0024): dms_msisdn,
    (qmux.SERVICE_DMS, 0x0025): dms_ids,
    (qmux.SERVICE_DMS, 0x0027): dms_set_pin_protection,
    (qmux.SERVICE_DMS, 0x0028): dms_verify_pin,
    (qmux.SERVICE_DMS, 0x0029): dms_unblock_pin,
    (qmux.SERVICE_DMS, 0x002B): dms_pin_status,
    (qmux.SERVICE_DMS, 0x002C): _dms_string("hardware"),
    (qmux.SERVICE_DMS, 0x002D): dms_get_operating_mode,
    (qmux.SERVICE_DMS, 0x002E): dms_set_operating_mode,
    (qmux.SERVICE_DMS, 0x003C): dms_iccid,
    (qmux.SERVICE_DMS, 0x0043): dms_imsi,
    (qmux.SERVICE_DMS, 0x0044): dms_uim_state,
    (qmux.SERVICE_NAS, 0x0002): nas_ok,  # set event report
    (qmux.SERVICE_NAS, 0x0003): nas_ok,  # register indications
    (qmux.SERVICE_NAS, 0x0020): nas_signal_strength,
    (qmux.SERVICE_NAS, 0x0024): nas_serving_system,
    (qmux.SERVICE_NAS, 0x0025): nas_home_network,
    (qmux.SERVICE_NAS, 0x0033): nas_set_selection,
    (qmux.SERVICE_NAS, 0x0034): nas_get_selection,
    (qmux.SERVICE_NAS, 0x004D): nas_system_info,
    (qmux.SERVICE_NAS, 0x004F): nas_signal_info,
    (qmux.SERVICE_UIM, 0x0026): uim_verify_pin,
    (qmux.SERVICE_UIM, 0x0027): uim_unblock_pin,
    (qmux.SERVICE_UIM, 0x002F): uim_card_status,
    (qmux.SERVICE_WDA, 0x0020): wda_set_format,
    (qmux.SERVICE_WDA, 0x0021): wda_get_format,
    (qmux.SERVICE_WDS, 0x0020): wds_start,
    (qmux.SERVICE_WDS, 0x0021): wds_stop,
    (qmux.SERVICE_WDS, 0x0022): wds_packet_status,
    (qmux.SERVICE_WDS, 0x002A): wds_profile_list,
    (qmux.SERVICE_WDS, 0x002B): wds_profile_settings,
    (qmux.SERVICE_WDS, 0x002D): wds_current_settings,
    (qmux.SERVICE_WDS, 0x004D): wds_set_ip_family,
}


def handled_messages() -> Iterable[Tuple[int, int]]:
    """(service, message) pairs the simulator answers, for docs and tests."""
    return sorted(HANDLERS)
