"""MBIM modem simulator: whole MBIM control messages in, replies out.

API (transport-independent; no threads, no file descriptors)::

    from modem_doctor.sim.mbim import MbimModem
    modem = MbimModem("em7455", "ready")     # or MbimModem(state=shared_state)
    replies = modem.handle(message)          # one whole MBIM message (or one fragment)
    replies = modem.feed_stream(data)        # a byte stream (pty): cut by the length field

Messages are little-endian: u32 type, u32 length, u32 transaction id, then per type.
OPEN (1) -> OPEN_DONE; CLOSE (2) -> CLOSE_DONE; COMMAND (3) carries a fragment header
(u32 total, u32 current), a 16-byte service UUID, u32 CID, u32 command type (0 query, 1 set)
and an information buffer; the answer is COMMAND_DONE (0x80000003) with a status and a
buffer, fragmented to the MaxControlTransfer the host gave in OPEN. A COMMAND before OPEN gets
FUNCTION_ERROR NOT_OPENED; unknown services or CIDs get status NO_DEVICE_SUPPORT (9).

Information buffers put variable data (UTF-16LE strings, arrays) after the fixed part,
referenced by (offset, size) pairs counted from the start of the buffer, each item padded
to 4 bytes.

BASIC_CONNECT CIDs answered: 1 device caps, 2 subscriber ready status, 3 radio state,
4 pin (query/set), 6 home provider, 9 register state, 10 packet service, 11 signal state,
12 connect (query/set), 13 provisioned contexts, 15 IP configuration, 16 device services.
"""

from __future__ import annotations

import ipaddress
import struct
from typing import Any, Dict, List, Optional, Tuple, Union

from .profiles import Profile, Scenario
from .state import ModemState

OPEN, CLOSE, COMMAND, HOST_ERROR = 1, 2, 3, 4
OPEN_DONE, CLOSE_DONE, COMMAND_DONE, FUNCTION_ERROR, INDICATE_STATUS = (
    0x80000001, 0x80000002, 0x80000003, 0x80000004, 0x80000007)

STATUS_SUCCESS = 0
STATUS_BUSY = 1
STATUS_FAILURE = 2
STATUS_SIM_NOT_INSERTED = 3
STATUS_BAD_SIM = 4
STATUS_PIN_REQUIRED = 5
STATUS_NOT_REGISTERED = 7
STATUS_NO_DEVICE_SUPPORT = 9
STATUS_PACKET_SERVICE_DETACHED = 12
STATUS_CONTEXT_NOT_ACTIVATED = 16
STATUS_RADIO_POWER_OFF = 20
STATUS_INVALID_PARAMETERS = 21

ERROR_FRAGMENT_OUT_OF_SEQUENCE = 2
ERROR_LENGTH_MISMATCH = 3
ERROR_NOT_OPENED = 5
ERROR_UNKNOWN = 6


def _uuid(text: str) -> bytes:
    return bytes.fromhex(text.replace("-", ""))


UUID_BASIC_CONNECT = _uuid("a289cc33-bcbb-8b4f-b6b0-133ec2aae6df")
UUID_CONTEXT_INTERNET = _uuid("7e5e2a7e-4e6f-7272-736b-656e7e5e2a7e")

DATA_CLASS = {"gsm": 0x01 | 0x02, "umts": 0x04 | 0x08 | 0x10, "lte": 0x20}
IP_TYPES = {0: "ipv4v6", 1: "ipv4", 2: "ipv6", 3: "ipv4v6", 4: "ipv4v6"}
PIN_PIN1, PIN_PUK1 = 2, 11


class Buffer:
    """Builds an MBIM information buffer: fixed fields first, variable data after them."""

    def __init__(self) -> None:
        self.fixed: List[Any] = []  # bytes, or ("ref", data bytes) placeholders

    def u32(self, *values: int) -> "Buffer":
        for value in values:
            self.fixed.append(struct.pack("<I", value & 0xFFFFFFFF))
        return self

    def u64(self, value: int) -> "Buffer":
        self.fixed.append(struct.pack("<Q", value))
        return self

    def raw(self, data: bytes) -> "Buffer":
        self.fixed.append(data)
        return self

    def string(self, text: str) -> "Buffer":
        """An (offset, size) pair for a UTF-16LE string (0, 0 when empty)."""
        self.fixed.append(("ref", text.encode("utf-16-le")))
        return self

    def ref(self, data: bytes) -> "Buffer":
        self.fixed.append(("ref", data))
        return self

    def build(self) -> bytes:
        fixed_len = sum(8 if isinstance(item, tuple) else len(item) for item in self.fixed)
        head, tail = b"", b""
        for item in self.fixed:
            if isinstance(item, tuple):
                data = item[1]
                if data:
                    head += struct.pack("<II", fixed_len + len(tail), len(data))
                    tail += data + b"\x00" * (-len(data) % 4)
                else:
                    head += struct.pack("<II", 0, 0)
            else:
                head += item
        return head + tail


def read_string(buf: bytes, pos: int) -> str:
    """The UTF-16LE string whose (offset, size) pair sits at ``pos`` of ``buf``."""
    if len(buf) < pos + 8:
        return ""
    offset, size = struct.unpack_from("<II", buf, pos)
    if not size or offset + size > len(buf):
        return ""
    return buf[offset:offset + size].decode("utf-16-le", "replace")


class MbimModem:
    """A simulated MBIM control channel (one per cdc-wdm device)."""

    def __init__(self, profile: Union[str, Profile] = "em7455", scenario: Union[str, Scenario] = "ready",
                 state: Optional[ModemState] = None, overrides: Optional[Dict[str, Any]] = None) -> None:
        self.state = state if state is not None else ModemState(profile, scenario, overrides)
        self.profile = self.state.profile
        self.opened = False
        self.max_transfer = 4096
        self.log: List[str] = []
        self._stream = bytearray()
        self._fragments: Dict[int, Tuple[int, List[bytes], bytes]] = {}
        self.session_ip_type: Dict[int, int] = {}

    # --- public API ------------------------------------------------------------------------------
    def handle(self, message: bytes) -> List[bytes]:
        message = bytes(message)
        if len(message) < 12:
            self.log.append(f"dropped short message {message.hex()}")
            return []
        mtype, length, tid = struct.unpack_from("<III", message)
        if self.state.port_silent("mbim"):
            self.log.append(f"silent: message type 0x{mtype:08x} not answered")
            return []
        if length != len(message):
            return [self._function_error(tid, ERROR_LENGTH_MISMATCH)]
        if mtype == OPEN:
            if len(message) >= 16:
                self.max_transfer = max(64, struct.unpack_from("<I", message, 12)[0])
            self.opened = True
            self._fragments.clear()
            self.log.append(f"open (max transfer {self.max_transfer})")
            return [struct.pack("<IIII", OPEN_DONE, 16, tid, STATUS_SUCCESS)]
        if mtype == CLOSE:
            self.opened = False
            self.log.append("close")
            return [struct.pack("<IIII", CLOSE_DONE, 16, tid, STATUS_SUCCESS)]
        if mtype == HOST_ERROR:
            return []
        if mtype != COMMAND:
            return [self._function_error(tid, ERROR_UNKNOWN)]
        if not self.opened:
            return [self._function_error(tid, ERROR_NOT_OPENED)]
        if len(message) < 20:
            return [self._function_error(tid, ERROR_LENGTH_MISMATCH)]
        total, current = struct.unpack_from("<II", message, 12)
        payload = message[20:]
        if total > 1:
            complete = self._collect(tid, total, current, payload)
            if complete is None:
                return [] if tid in self._fragments else [self._function_error(tid, ERROR_FRAGMENT_OUT_OF_SEQUENCE)]
            payload = complete
        if len(payload) < 28:
            return [self._function_error(tid, ERROR_LENGTH_MISMATCH)]
        service = payload[:16]
        cid, ctype, buflen = struct.unpack_from("<III", payload, 16)
        info = payload[28:28 + buflen]
        status, reply = self._command(service, cid, ctype, info)
        self.log.append(f"cid {cid} {'set' if ctype else 'query'}: status {status}")
        return self._command_done(tid, service, cid, status, reply)

    def feed_stream(self, data: bytes) -> List[bytes]:
        """Cut a byte stream into messages by their length field and answer each."""
        self._stream.extend(data)
        out: List[bytes] = []
        while len(self._stream) >= 12:
            length = struct.unpack_from("<I", self._stream, 4)[0]
            if length < 12 or length > 1 << 20:
                self._stream.clear()  # resynchronising on garbage is hopeless; start over
                break
            if len(self._stream) < length:
                break
            message = bytes(self._stream[:length])
            del self._stream[:length]
            out.extend(self.handle(message))
        return out

    # --- framing ---------------------------------------------------------------------------------
    def _function_error(self, tid: int, code: int) -> bytes:
        return struct.pack("<IIII", FUNCTION_ERROR, 16, tid, code)

    def _collect(self, tid: int, total: int, current: int, payload: bytes) -> Optional[bytes]:
        if current == 0:
            self._fragments[tid] = (total, [payload], b"")
            return None
        entry = self._fragments.get(tid)
        if entry is None or len(entry[1]) != current or entry[0] != total:
            self._fragments.pop(tid, None)
            return None
        entry[1].append(payload)
        if current + 1 < total:
            return None
        del self._fragments[tid]
        return b"".join(entry[1])

    def _command_done(self, tid: int, service: bytes, cid: int, status: int, info: bytes) -> List[bytes]:
        payload = service + struct.pack("<III", cid, status, len(info)) + info
        room = self.max_transfer - 20
        chunks = [payload[i:i + room] for i in range(0, len(payload), room)] or [b""]
        return [struct.pack("<IIIII", COMMAND_DONE, 20 + len(chunk), tid, len(chunks), index) + chunk
                for index, chunk in enumerate(chunks)]

    # --- commands ----------------------------------------------------------------------------------
    def _command(self, service: bytes, cid: int, ctype: int, info: bytes) -> Tuple[int, bytes]:
        if service != UUID_BASIC_CONNECT:
            return STATUS_NO_DEVICE_SUPPORT, b""
        handler = BASIC_CONNECT.get((cid, ctype))
        if handler is None:
            return STATUS_NO_DEVICE_SUPPORT, b""
        try:
            return handler(self, info)
        except (struct.error, IndexError, ValueError):
            return STATUS_INVALID_PARAMETERS, b""

    def data_classes(self) -> int:
        value = 0
        for tech in self.profile.technologies:
            value |= DATA_CLASS.get(tech, 0)
        return value

    def current_class(self) -> int:
        tech = self.state.serving_tech() if self.state.registered() else None
        return DATA_CLASS.get(tech, 0) if tech else 0

    def sim_status(self) -> int:
        sim = self.state.sim_state()
        if sim == "absent":
            return STATUS_SIM_NOT_INSERTED
        if sim in ("pin", "puk"):
            return STATUS_PIN_REQUIRED
        if sim != "ready":
            return STATUS_BAD_SIM
        return STATUS_SUCCESS


def device_caps(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    st = m.state
    device_type = {"embedded": 1, "removable": 2, "remote": 3}.get(
        str(m.profile.data.get("mbim", {}).get("device_type", "embedded")), 1)
    buf = (Buffer().u32(device_type, 1, 1, 2, m.data_classes(), 0x3, 0x1, 8)
           .string("").string(st.ident("imei")).string(st.ident("revision")).string(st.ident("hardware")))
    return STATUS_SUCCESS, buf.build()


def subscriber_ready(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    sim_state = m.state.sim_state()
    ready = {"ready": 1, "absent": 2, "pin": 6, "puk": 6, "blocked": 3}.get(sim_state, 4)
    sim = m.state.sim
    imsi = str(sim.get("imsi", "")) if sim_state == "ready" else ""
    iccid = str(sim.get("iccid", "")) if sim_state != "absent" else ""
    numbers = [str(sim["msisdn"])] if sim_state == "ready" and sim.get("msisdn") else []
    buf = Buffer().u32(ready).string(imsi).string(iccid).u32(0, len(numbers))
    for number in numbers:
        buf.string(number)
    return STATUS_SUCCESS, buf.build()


def radio_state(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    return STATUS_SUCCESS, Buffer().u32(1, 1 if m.state.cfun == 1 else 0).build()


def radio_state_set(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    on = struct.unpack_from("<I", info)[0]
    m.state.set_cfun(1 if on else 4)
    return radio_state(m, b"")


def _pin_info(m: MbimModem) -> bytes:
    sim_state = m.state.sim_state()
    sim = m.state.sim
    if sim_state == "pin":
        return Buffer().u32(PIN_PIN1, 1, int(sim.get("pin_retries", 3))).build()
    if sim_state in ("puk", "blocked"):
        return Buffer().u32(PIN_PUK1, 1, int(sim.get("puk_retries", 10))).build()
    return Buffer().u32(0, 0, 0).build()


def pin_query(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    status = m.sim_status()
    if status in (STATUS_SIM_NOT_INSERTED, STATUS_BAD_SIM):
        return status, b""
    return STATUS_SUCCESS, _pin_info(m)


def pin_set(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    pin_type, operation = struct.unpack_from("<II", info)
    pin, new_pin = read_string(info, 8), read_string(info, 16)
    status = m.sim_status()
    if status in (STATUS_SIM_NOT_INSERTED, STATUS_BAD_SIM):
        return status, b""
    if operation != 0:
        ok = m.state.set_pin_enabled(operation == 1, pin) if operation in (1, 2) else False
    elif pin_type == PIN_PUK1:
        ok, _ = m.state.unblock_pin(pin, new_pin)
    elif pin_type == PIN_PIN1:
        ok, _ = m.state.verify_pin(pin)
    else:
        return STATUS_NO_DEVICE_SUPPORT, b""
    return (STATUS_SUCCESS if ok else STATUS_FAILURE), _pin_info(m)


def _provider(m: MbimModem) -> Tuple[str, str]:
    net = m.state.s["network"]
    return m.state.plmn(), str(net.get("operator", ""))


def home_provider(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    status = m.sim_status()
    if status:
        return status, b""
    imsi = str(m.state.sim.get("imsi", "00101"))
    name = str(m.state.s["network"].get("operator", ""))
    return STATUS_SUCCESS, Buffer().string(imsi[:5]).u32(0x1).string(name).u32(1, 99, 0).build()


def register_state(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    reg, cause = m.state.registration()
    number = {"home": 3, "roaming": 4, "searching": 2, "denied": 6, "idle": 1}.get(reg, 0)
    plmn, name = _provider(m) if reg in ("home", "roaming", "denied") else ("", "")
    if reg == "denied":
        name = ""
    buf = (Buffer().u32(int(cause or 0), number, 1, m.data_classes() if reg in ("home", "roaming") else 0, 1)
           .string(plmn).string(name).string("").u32(0))
    return STATUS_SUCCESS, buf.build()


def packet_service(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    reg, cause = m.state.registration()
    attached = m.state.attached()
    tx, rx = m.profile.data.get("max_rates_kbps", [5760, 21600])
    buf = Buffer().u32(0 if attached else int(cause or 0), 2 if attached else 4, m.current_class())
    buf.u64(int(tx) * 1000 if attached else 0).u64(int(rx) * 1000 if attached else 0)
    return STATUS_SUCCESS, buf.build()


def signal_state(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    sig = m.state.signal()
    rssi = 99
    if "rssi" in sig:
        rssi = max(0, min(31, (int(sig["rssi"]) + 113) // 2))
    return STATUS_SUCCESS, Buffer().u32(rssi, 99, 5, 0, 0).build()


def _connect_info(m: MbimModem, session: int, nw_error: int = 0) -> bytes:
    ip_type = m.session_ip_type.get(session, 0)
    active = session in m.session_ip_type and m.state.connected()
    return Buffer().u32(session, 1 if active else 3, 0, ip_type if active else 0).raw(
        UUID_CONTEXT_INTERNET).u32(nw_error).build()


def connect_query(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    session = struct.unpack_from("<I", info)[0] if len(info) >= 4 else 0
    if session not in m.session_ip_type:
        return STATUS_CONTEXT_NOT_ACTIVATED, _connect_info(m, session)
    return STATUS_SUCCESS, _connect_info(m, session)


def connect_set(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    session, command = struct.unpack_from("<II", info)
    apn = read_string(info, 8)
    ip_type = struct.unpack_from("<I", info, 40)[0] if len(info) >= 44 else 0
    if command == 0:
        m.session_ip_type.pop(session, None)
        m.state.stop_call()
        return STATUS_SUCCESS, _connect_info(m, session)
    status = m.sim_status()
    if status:
        return status, b""
    if m.state.cfun != 1:
        return STATUS_RADIO_POWER_OFF, b""
    if not m.state.registered():
        return STATUS_NOT_REGISTERED, b""
    if not m.state.attached():
        return STATUS_PACKET_SERVICE_DETACHED, b""
    wanted = IP_TYPES.get(ip_type, "ipv4v6")
    result = m.state.start_call(apn or None, wanted, read_string(info, 16) or None, read_string(info, 24) or None)
    if not result.ok:
        return STATUS_FAILURE, _connect_info(m, session, int(result.cause or 0))
    granted = 3 if len(result.ip_types) == 2 else (1 if result.ip_types == ("ipv4",) else 2)
    m.session_ip_type[session] = granted
    return STATUS_SUCCESS, _connect_info(m, session, int(result.partial_cause or 0))


def provisioned_contexts(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    contexts = m.state.data.get("contexts", [])
    buf = Buffer().u32(len(contexts))
    for ctx in contexts:
        element = (Buffer().u32(int(ctx.get("cid", 1))).raw(UUID_CONTEXT_INTERNET)
                   .string(str(ctx.get("apn", ""))).string("").string("").u32(0, 0).build())
        buf.ref(element)
    return STATUS_SUCCESS, buf.build()


def ip_configuration(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    session = struct.unpack_from("<I", info)[0] if len(info) >= 4 else 0
    ip_type = m.session_ip_type.get(session)
    if ip_type is None or not m.state.connected():
        return STATUS_CONTEXT_NOT_ACTIVATED, b""
    data = m.state.data
    v4 = data.get("ipv4", {}) if ip_type in (1, 3) else {}
    v6 = data.get("ipv6", {}) if ip_type in (2, 3) else {}
    mtu = int(data.get("mtu", 1500))
    fixed = 60  # 15 u32 fields
    tail = b""

    def put(blob: bytes) -> int:
        nonlocal tail
        if not blob:
            return 0
        offset = fixed + len(tail)
        tail += blob
        return offset

    v4_addr = put(struct.pack("<I", int(v4.get("prefix", 30))) + ipaddress.IPv4Address(v4["address"]).packed) if v4 else 0
    v6_addr = put(struct.pack("<I", int(v6.get("prefix", 64))) + ipaddress.IPv6Address(v6["address"]).packed) if v6 else 0
    v4_gw = put(ipaddress.IPv4Address(v4["gateway"]).packed) if v4.get("gateway") else 0
    v6_gw = put(ipaddress.IPv6Address(v6["gateway"]).packed) if v6.get("gateway") else 0
    v4_dns_list = list(v4.get("dns", []))
    v6_dns_list = list(v6.get("dns", []))
    v4_dns = put(b"".join(ipaddress.IPv4Address(a).packed for a in v4_dns_list))
    v6_dns = put(b"".join(ipaddress.IPv6Address(a).packed for a in v6_dns_list))
    avail4 = (1 | (2 if v4_gw else 0) | (4 if v4_dns else 0) | 8) if v4 else 0
    avail6 = (1 | (2 if v6_gw else 0) | (4 if v6_dns else 0) | 8) if v6 else 0
    head = struct.pack("<15I", session, avail4, avail6, 1 if v4 else 0, v4_addr, 1 if v6 else 0, v6_addr,
                       v4_gw, v6_gw, len(v4_dns_list) if v4 else 0, v4_dns, len(v6_dns_list) if v6 else 0,
                       v6_dns, mtu if v4 else 0, mtu if v6 else 0)
    return STATUS_SUCCESS, head + tail


def device_services(m: MbimModem, info: bytes) -> Tuple[int, bytes]:
    cids = sorted({cid for cid, _ in BASIC_CONNECT})
    element = UUID_BASIC_CONNECT + struct.pack("<III", 0, 0, len(cids)) + b"".join(struct.pack("<I", c) for c in cids)
    return STATUS_SUCCESS, Buffer().u32(1, 0).ref(element).build()


BASIC_CONNECT: Dict[Tuple[int, int], Any] = {
    (1, 0): device_caps,
    (2, 0): subscriber_ready,
    (3, 0): radio_state,
    (3, 1): radio_state_set,
    (4, 0): pin_query,
    (4, 1): pin_set,
    (6, 0): home_provider,
    (9, 0): register_state,
    (10, 0): packet_service,
    (11, 0): signal_state,
    (12, 0): connect_query,
    (12, 1): connect_set,
    (13, 0): provisioned_contexts,
    (15, 0): ip_configuration,
    (16, 0): device_services,
}
