"""How each kind of output looks, line by line: what can start a block of it and what can
continue one. Used by the extractor to find blocks in arbitrary text.

Patterns are matched against a line with its leading whitespace removed and runs of
whitespace kept, so they must tolerate collapsed spacing (forums and mail squeeze
``Dev#=  3`` into ``Dev#= 3`` and drop indentation). A kind detected from content alone
needs ``min_lines`` member lines, so a single look-alike sentence in prose is not taken
for output; when the user's command names the kind, one line is enough and the looser
``hinted`` pattern is accepted as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Pattern, Tuple

from ._lazy import lazy

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"


def _re(pattern: str) -> Pattern[str]:
    return lazy(pattern)  # compiled on first use: most runs need only a few of these


# A sentence: a word that typically opens one, then at least two more words. Used to stop
# a wrapped-line repair from gluing a reply onto the output above it. Log messages rarely
# begin with these words; when one does, it only stays a separate line.
PROSE = _re(
    r"^(?:The|This|That|These|Those|There|Then|Than|I|I'm|I've|I'd|I'll|It|It's|Its|Here|After|Before|But|So|Also"
    r"|Please|Now|When|If|And|Or|My|You|Your|You're|We|Thanks|Thank|What|Why|How|Is|Are|Can|Could|Should"
    r"|Would|Do|Does|Did|Any|As|Since|Still|Yes|No|Ok|OK|Okay|Hi|Hello|Edit|Update|Note|In|On|With|For|From"
    r"|To|Just|Only|Maybe|Try|Run|See|Look|Great|Unfortunately|However|Actually|Finally|First|Next|Anyway"
    r"|Well|Sorry|Same|Nothing|Everything|Seems|Looks|Which|Where|Who|Let|Let's|Is|Was|Has|Have|Had|All|Not)"
    r",?\s+\S+\s+\S"
)


@dataclass
class BlockState:
    """A block while the extractor builds it (mutable; frozen into ``Block`` when done)."""

    signature: "Signature"
    kind: str
    texts: List[str] = field(default_factory=list)  # member texts so far (stripped)
    hinted: bool = False  # the command before the block named its kind
    data: Dict[str, object] = field(default_factory=dict)  # per-signature scratch


class Signature:
    """A kind of output as the extractor sees it. Subclasses refine the few that need it."""

    def __init__(
        self,
        kind: str,
        start: str,
        member: Optional[str] = None,
        min_lines: int = 1,
        hinted: Optional[str] = None,
        heads: Optional[str] = None,
    ) -> None:
        self.kind = kind
        self.start = _re(start)
        self.member = _re(member) if member else self.start
        self.min_lines = min_lines
        self.hinted = _re(hinted) if hinted else None
        # The characters ``start`` can match first (None: any): r'\d' stands for any
        # decimal digit, r'\w' for any word character, as in the pattern. Lines are
        # offered only to the signatures that can start with their first character
        # (``candidates``); tests check each set against its pattern.
        self.heads: Optional[FrozenSet[str]] = None
        self.head_digit = self.head_word = False
        if heads is not None:
            self.head_digit = "\\d" in heads
            self.head_word = "\\w" in heads
            self.heads = frozenset(heads.replace("\\d", "").replace("\\w", ""))

    def can_start(self, char: str) -> bool:
        """Can ``start`` match a text whose first character is ``char``? (Never wrong
        the other way: True when unsure.)"""
        if self.heads is None or char in self.heads:
            return True
        if self.head_word and (char.isalnum() or char == "_"):
            return True
        return self.head_digit and char.isdecimal()

    def kinds(self) -> Tuple[str, ...]:
        """Every kind this signature can produce."""
        return (self.kind,)

    def starts(self, text: str) -> bool:
        return bool(self.start.match(text))

    def starts_hinted(self, text: str) -> bool:
        """May this line begin a block when the command named this kind?"""
        return self.starts(text) or self.accepts_text(text, hinted=True)

    def accepts_text(self, text: str, hinted: bool) -> bool:
        if self.member.match(text) or self.start.match(text):
            return True
        return bool(hinted and self.hinted is not None and self.hinted.match(text))

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        """May ``text`` continue the block? ``raw`` keeps the leading whitespace."""
        return self.accepts_text(text, state.hinted)

    def ends_at_blank(self, state: BlockState) -> bool:
        """Does a blank line end the block (instead of possibly sitting inside it)?"""
        return bool(state.data.get("boot_log"))

    def strong(self, state: BlockState, text: str) -> bool:
        """Is ``text`` certainly a line of this block (not the wrapped end of the last)?"""
        return self.accepts(state, text, text)

    def prefixed(self, state: BlockState) -> bool:
        """Does every line of this output begin with a stamp (a time, a date), so that a
        line without one, in a wrapped text, is the end of the line before?"""
        return False

    def restarts(self, state: BlockState, text: str) -> bool:
        """Does ``text`` begin a new output of the same kind (two pastes glued together)?"""
        return False

    def unfinished(self, state: BlockState, text: str) -> bool:
        """Is ``text`` (the block's last line) a statement cut short, so that in a wrapped
        text the next line is its rest however short the piece is?"""
        return False

    def note(self, state: BlockState, text: str) -> None:
        """Record what later decisions need (called for every member line)."""

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        """The block's final kind, or None to drop it (too short to trust)."""
        members = sum(1 for text in state.texts if text)
        if not state.hinted and members < self.min_lines:
            return None
        return state.kind


_USB_KEY = _re(r"Bus=\s*(\d+).*?Dev#=\s*(\d+)")
_USB_HEX_IF = _re(r"I:\s*If#=\s*0x")
_USB_MARKS = _re(r"[CI]:\*|B:")


class UsbTextSignature(Signature):
    """``/sys/kernel/debug/usb/devices`` and ``usb-devices``: the same T:/D:/P:/C:/I:/E:
    letters. usb-devices prints interface numbers in hex (``If#=0x4``); debugfs marks the
    active configuration and interfaces with ``*`` and has ``B:`` bandwidth lines."""

    def __init__(self) -> None:
        super().__init__(
            "usb_debugfs",
            start=r"(?:T:\s*Bus=\s*\d|D:\s*Ver=|P:\s*Vendor=\s*[0-9a-fA-F]|C:\*?\s*#Ifs=|I:\*?\s*If#=|E:\s*Ad=\s*[0-9a-fA-F]|B:\s*Alloc=)",
            member=r"[TBDPSCIEA]:(?:\*|\s|$)",
            heads="TDPCIEB",
        )

    def kinds(self) -> Tuple[str, ...]:
        return ("usb_debugfs", "usb_devices")

    def restarts(self, state: BlockState, text: str) -> bool:
        # A second listing glued to the first starts again at a root hub already seen.
        if not text.startswith("T:"):
            return False
        match = _USB_KEY.search(text)
        if not match:
            return False
        key = (int(match.group(1)), int(match.group(2)))
        seen = state.data.setdefault("devices", set())
        assert isinstance(seen, set)
        return key in seen

    def note(self, state: BlockState, text: str) -> None:
        if text.startswith("T:"):
            match = _USB_KEY.search(text)
            if match:
                seen = state.data.setdefault("devices", set())
                assert isinstance(seen, set)
                seen.add((int(match.group(1)), int(match.group(2))))
        elif _USB_HEX_IF.match(text):
            state.data["hex_interfaces"] = True
        elif _USB_MARKS.match(text):
            state.data["debugfs_marks"] = True
        elif text.startswith("C:"):
            state.data["plain_config"] = True

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        if super().finish(state, command_kind) is None:
            return None
        if command_kind in self.kinds():
            return command_kind
        # debugfs always marks the active configuration 'C:*' and prints 'B:' for root
        # hubs; usb-devices never does, and newer versions print 'If#=0x4'.
        if not state.data.get("debugfs_marks") and (state.data.get("hex_interfaces") or state.data.get("plain_config")):
            return "usb_devices"
        return "usb_debugfs"


_LSUSB_LINE = r"Bus\s+\d{3}\s+Device\s+\d{3}:?\s+ID\s+[0-9a-fA-F]{4}:[0-9a-fA-F]{4}"
# The keys and headings of ``lsusb -v``; indentation (when it survived) also counts.
_LSUSB_V_MEMBER = (
    r"(?:" + _LSUSB_LINE + r"|(?:Device|Configuration|Interface|Endpoint|Hub|BOS|Binary Object Store|Report)"
    r" Descriptors?:|Interface Association:|Device Qualifier|Device Status:|Hub Port Status:"
    r"|[A-Z][\w /-]*(?:Descriptor|Capability|Header|Union|Ether|Functional|Management|Extended|Ethernet|MBIM):?\s*$"
    r"|CDC\s[\w ]+:|(?:bm|bcd|bNum|b|i|id|w|dw)[A-Z]\w*(?:\s|$)|MaxPower\s|Transfer Type|Synch Type|Usage Type"
    r"|Self Powered|Remote Wakeup|Bus Powered|\(Bus Powered\)|Battery Powered|Couldn't open device|can't get"
    r"|cannot read|\*\* UNRECOGNIZED|UNAVAILABLE|Port \d+:|Data\b|Test Mode|Debug mode|Dual-speed"
    r"|Latency Tolerance|Function Remote Wakeup|U[12] |Compound device|Ganged|No power switching|Per-port"
    r"|Individual|Transaction Translator|Think time|Port indicators|No overcurrent|INTERFACE_\w+|Warning:|warning:"
    r"|(?:[0-9a-f]{2} ){3,}|\[\s*\d+\]|(?:Short|Full|High|Super|Lowest)[ -])"
)


class LsusbSignature(Signature):
    """``lsusb`` (one line per device) grows into ``lsusb -v`` when a descriptor dump
    follows the ``Bus ... ID`` line."""

    def __init__(self) -> None:
        super().__init__("lsusb", start=r"(?:" + _LSUSB_LINE + r"|Device Descriptor:)", member=_LSUSB_LINE, heads="BD")
        self.verbose = _re(_LSUSB_V_MEMBER)

    def kinds(self) -> Tuple[str, ...]:
        return ("lsusb", "lsusb_verbose")

    def starts_hinted(self, text: str) -> bool:
        return self.starts(text)

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        if state.kind == "lsusb_verbose":
            if self.verbose.match(text):
                return True
            # Descriptor fields are indented; a wrapped sentence is not.
            return bool(raw[:1] in (" ", "\t") and not PROSE.match(text))
        if text.startswith("Device Descriptor:") or text.startswith("Couldn't open device"):
            state.kind = "lsusb_verbose"
            return True
        return bool(self.member.match(text))

    def strong(self, state: BlockState, text: str) -> bool:
        if state.kind == "lsusb_verbose":
            return bool(self.verbose.match(text))
        return bool(self.member.match(text))

    def restarts(self, state: BlockState, text: str) -> bool:
        if state.kind != "lsusb" or not text.startswith("Bus"):
            return False
        seen = state.data.setdefault("ids", set())
        assert isinstance(seen, set)
        return text[:18] in seen

    def note(self, state: BlockState, text: str) -> None:
        if text.startswith("Device Descriptor:"):
            state.kind = "lsusb_verbose"
        if text.startswith("Bus"):
            seen = state.data.setdefault("ids", set())
            assert isinstance(seen, set)
            seen.add(text[:18])

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        if super().finish(state, command_kind) is None:
            return None
        if command_kind == "lsusb_verbose":
            return "lsusb_verbose"
        return state.kind


class DmesgSignature(Signature):
    """Kernel log lines. Timestamped lines are unmistakable; lines without a timestamp
    (``dmesg -t``, a kernel built without printk times) are taken only after a ``dmesg``
    command or inside a timestamped block."""

    _TIME = _re(r"^(?:<\d+>)?(?:\w+\s*:\s*\w+\s*:\s*)?\[\s*(\d+)\.(\d+)(?:\s*<\s*\d+\.\d+>)?\]")
    # any stamp a dmesg line can start with: seconds, -x facility:level, -T date, iso date
    _STAMP = _re(
        r"^(?:<\d+>)?(?:\w+\s*:\s*\w+\s*:\s*)?\[\s*(?:\d+\.\d+|[A-Z][a-z]{2}[\s\d]|\+\d+\.\d+|<\s*\d+\.\d+>)"
        r"|^\d{4}-\d\d-\d\dT\d\d:"
    )

    def __init__(self) -> None:
        super().__init__(
            "dmesg",
            start=(
                r"(?:<\d+>)?\[\s*\d+\.\d+(?:\s*<\s*\d+\.\d+>)?\]"
                r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d+[+-]\d\d:?\d\d\s"  # dmesg --time-format iso
                r"|\[(?:" + _DAY + r")\s+" + _MONTH + r"\s+\d+\s+\d\d:\d\d:\d\d\s+\d{4}(?:\s*<\s*\d+\.\d+>)?\]"  # -T, -T -d
                r"|\[<\s*\d+\.\d+>\]"  # --time-format delta
                r"|\[" + _MONTH + r"\s?\d{1,2}\s\d\d:\d\d\]|\[\s*\+\d+\.\d+\]"  # -e / -H (reltime)
                r"|(?:kern|user|daemon|syslog)\s*:(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s"
                r"|usb\s+\d+-[\d.]+:\s+(?:new\s|New USB device|Product:|Manufacturer:|SerialNumber:|USB disconnect|reset\s)"
                r"|usbcore:\s+registered new|(?:option|qmi_wwan|cdc_ether|cdc_wdm|cdc_mbim|cdc_ncm|huawei_cdc_ncm|rndis_host|cdc_acm|sierra|qcserial)\d*\s+\d+-[\d.]+:\d+\.\d+:?\s"
            ),
            member=None,
            hinted=r"[\w.-]+(?:\s+[\w.:-]+)?:\s|[\w-]+\s+\d+-[\d.]+|GSM modem|ttyUSB\d|cdc-wdm\d",
            heads="<[kudsoqchr\\d",
        )

    def restarts(self, state: BlockState, text: str) -> bool:
        # Two dmesg captures glued together: time goes back by more than a second.
        match = self._TIME.match(text)
        if not match:
            return False
        now = float(f"{match.group(1)}.{match.group(2)}")
        last = state.data.get("time")
        return isinstance(last, float) and now < last - 1.0

    def note(self, state: BlockState, text: str) -> None:
        match = self._TIME.match(text)
        if match:
            state.data["time"] = float(f"{match.group(1)}.{match.group(2)}")
        if self._STAMP.match(text):
            state.data["stamped"] = True

    def prefixed(self, state: BlockState) -> bool:
        return bool(state.data.get("stamped")) and not state.data.get("boot_log")

    def strong(self, state: BlockState, text: str) -> bool:
        if state.data.get("stamped"):
            return bool(self._STAMP.match(text))
        return self.accepts(state, text, text)

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        if self.start.match(text) or state.data.get("boot_log"):
            return True
        if (state.hinted or state.data.get("stamped")) and self.hinted is not None:
            return bool(self.hinted.match(text)) and not PROSE.match(text)
        return False


class UnameSignature(Signature):
    """``uname -a`` and ``/proc/version``: one line. 'Linux version ...' followed by more
    kernel lines is the first line of a boot log without timestamps (``dmesg -t``)."""

    def __init__(self) -> None:
        super().__init__(
            "uname",
            start=r"Linux\s+\S+\s+\d+\.\d+\.\d+\S*\s+#\d+|Linux version \d+\.\d+",
            member=r"(?!)",
            hinted=r"\d+\.\d+\.\d+\S*$|Linux(?:\s+\S+)*$",
            heads="L",
        )

    def strong(self, state: BlockState, text: str) -> bool:
        return False  # one line: whatever follows may be its wrapped end

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        if (
            not state.hinted
            and len(state.texts) == 1
            and state.texts[0].startswith("Linux version")
            and not PROSE.match(text)
            and not any(signature.starts(text) for signature in candidates(text[:1]) if signature is not DMESG)
        ):
            state.signature = DMESG
            state.kind = "dmesg"
            state.data["boot_log"] = True
            return True
        return False


_JSON_STRING = _re(r'"(?:[^"\\]|\\.)*"')
_JSON_KEY = _re(r'"([\w-]+)"\s*:')


class JsonSignature(Signature):
    """A JSON object (``ubus call system board``, ``ifstatus wan``): taken from ``{`` to
    the matching ``}``; which kind it is follows from its keys when no command says."""

    def __init__(self) -> None:
        super().__init__("ubus_board", start=r"\{\s*(?:$|\")", member=None, heads="{")

    def kinds(self) -> Tuple[str, ...]:
        return ("ubus_board", "ifstatus")

    def starts_hinted(self, text: str) -> bool:
        return self.starts(text)

    # A line inside a JSON object: a key or value, a bracket, or a literal. A sentence after
    # a cut-off object is not one, so a truncated paste ends where the JSON does.
    _JSON_LINE = _re(r'(?:["\[\]{}]|-?\d|true\b|false\b|null\b)')

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        depth = state.data.get("depth", 0)
        assert isinstance(depth, int)
        return depth > 0 and len(state.texts) < 5000 and bool(self._JSON_LINE.match(text))

    def note(self, state: BlockState, text: str) -> None:
        depth = state.data.get("depth", 0)
        assert isinstance(depth, int)
        # Braces inside strings do not count; escaped quotes do not end strings.
        unquoted = _JSON_STRING.sub('""', text)
        state.data["depth"] = depth + unquoted.count("{") + unquoted.count("[") - unquoted.count("}") - unquoted.count("]")
        keys = state.data.setdefault("keys", set())
        assert isinstance(keys, set)
        keys.update(_JSON_KEY.findall(text))

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        if command_kind in self.kinds():
            return command_kind
        keys = state.data.get("keys", set())
        assert isinstance(keys, set)
        if {"board_name", "release"} & keys and {"kernel", "model", "system", "hostname"} & keys:
            return "ubus_board"
        if {"l3_device", "proto", "ipv4-address", "pending", "autostart"} & keys and "up" in keys:
            return "ifstatus"
        if {"pin1_status", "plmn_mcc", "plmn_description", "link-layer-protocol", "card_application_state",
            "rsrp", "rscp", "pdp-type"} & keys or ({"registration", "roaming"} <= keys):
            return "uqmi"  # uqmi without -s pretty-prints its objects
        return None


class LogreadSignature(Signature):
    """Syslog lines (logread, /var/log/messages, journalctl): each begins with a date."""

    def __init__(self) -> None:
        super().__init__("logread", start=_LOG_SYSLOG, heads="MTWFSJAOND\\dkumdaslncf")

    # 'dmesg --time-format iso' stamps: a comma before the microseconds and the offset;
    # syslog's ISO stamps have a dot or no fraction, and a host name after them.
    _DMESG_ISO = _re(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d+[+-]\d\d:?\d\d\s")

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        return super().accepts(state, text, raw) and not (text[:1].isdigit() and self._DMESG_ISO.match(text))

    def prefixed(self, state: BlockState) -> bool:
        return True


class QmiMbimSignature(Signature):
    """qmicli and mbimcli text: '[/dev/cdc-wdm0] <what was retrieved>' then indented
    'Key: 'value'' lines; which tool it is follows from the headers when no command says."""

    _MBIM = _re(
        r"\[[^\]]+\]\s+(?:Device capabilities retrieved|Subscriber ready status retrieved|PIN info:|Radio state"
        r" retrieved|Registration status:|Signal state:|Successfully connected|Packet service status:|IPv[46] "
        r"configuration available)|error: operation failed:|Ready state:|Register state:"
    )

    def __init__(self) -> None:
        super().__init__(
            "qmicli",
            start=(
                r"\[/dev/[\w.-]+\]\s+(?:Successfully got|Device (?:IDs|model|revision|manufacturer|capabilities) retrieved"
                r"|PIN status retrieved|Connection status:|Current settings retrieved|Network started|PIN1:"
                r"|Subscriber ready status retrieved|PIN info:|Radio state retrieved|Registration status:|Signal state:"
                r"|Successfully connected|Packet service status:)"
                r"|error: couldn't [\w ]+: QMI protocol error|call end reason \(\d+\)|error: operation failed: \w+$"
            ),
            member=(
                r"\[/dev/|\[[\w./-]+\]\s|error:|warning:|(?:verbose )?call end reason|\[\d+\]:|Network '|'-?[\d.]+ ?d?Bm?'$"
                r"|[0-9A-F]{2}(?::[0-9A-F]{2})+$|[A-Za-z][\w /()\[\],+.-]{0,40}:(?:\s+\S.*)?$"
            ),
            # after a qmicli command only: the bare answer of --get-expected-data-format
            # (qmi_wwan's raw_ip flag read through libqmi) and qmicli's dated warnings
            hinted=r"(?:802-3|raw-ip|qmap-pass-through)$|\[[^\]]*\d\d:\d\d:\d\d\]\s+-Warning \*\*",
            heads="[ec",
        )

    def kinds(self) -> Tuple[str, ...]:
        return ("qmicli", "mbimcli")

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        return super().accepts(state, text, raw) and not PROSE.match(text)

    def note(self, state: BlockState, text: str) -> None:
        if self._MBIM.search(text):
            state.data["mbim"] = True

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        if command_kind in self.kinds():
            return command_kind
        return "mbimcli" if state.data.get("mbim") else "qmicli"


_AT_RESPONSE = (
    r"(?:\+(?:CSQ|CESQ|CREG|CGREG|CEREG|C5GREG|CPIN|COPS|CGDCONT|CGACT|CGPADDR|CEER|CFUN|QCFG|QNWINFO|QCSQ|QPINC"
    r"|QCCID|CCID|ICCID)|\^(?:SYSINFO|SYSCFG|SYSCFGEX|SETPORT|HCSQ|CPIN|ICCID)|!(?:USBCOMP|GSTATUS|PINREM)):"
    r"|\+CME ERROR:"
)


class AtSignature(Signature):
    """An AT session: echoed commands, prefixed responses, OK/ERROR, and short bare lines
    (ATI, +CGMM answers). Two lines are needed from content alone."""

    def __init__(self) -> None:
        super().__init__(
            "at_transcript",
            # an ATI answer pasted without its command starts with 'Manufacturer: '
            start=r"(?:AT(?:[+^!$%&*#]\S*|I\d?|E\d|Z|D\S+)?\s*$|Manufacturer: \S|" + _AT_RESPONSE + r")",
            member=(
                r"(?:AT(?:[+^!$%&*#]\S*|I\d?|E\d|Z|D\S+)?\s*$|OK$|ERROR$|NO CARRIER$|RDY$|[+^!$*][A-Z0-9]+:"
                r"|[A-Za-z][\w .()-]{0,30}:\s+\S|[\w.,:()/\\\"-]+(?: [\w.,:()/\\\"-]+){0,5}$)"
            ),
            min_lines=2,
            heads="A+^!M",
        )

    _ANSWER = _re(r"[+^!$][A-Z0-9]+:|[A-Za-z][\w .()-]{0,30}:\s+\S")
    _COMMAND = _re(r"AT(?:[+^!$%&*#]\S*|I\d?|E\d|Z|D\S+)?\s*$")
    _FINAL = _re(r"(?:OK|ERROR|NO CARRIER)$|\+CM[ES] ERROR:")
    _PREFIXED = _re(r"[+^!$*][A-Z0-9]+:")
    _BOOT = frozenset(("RDY", "PB DONE", "SMS DONE", "Call Ready", "SMS Ready"))
    # commands whose answer is bare text: identity (ATI, +CGMI...), IMSI, ICCID
    _BARE_ANSWERS = _re(r"AT(?:I\d?|\+C?G(?:MI|MM|MR|SN)|\+CIMI|\+CCID|\^ICCID|\+QCCID)\S*\s*$")

    def accepts(self, state: BlockState, text: str, raw: str) -> bool:
        if not super().accepts(state, text, raw) or PROSE.match(text):
            return False
        # After a final result code only a new command, an unsolicited result code or a
        # start-up word can follow; a bare short line there is the user talking again.
        if state.data.get("final"):
            return bool(self._COMMAND.match(text) or self._PREFIXED.match(text) or self._FINAL.match(text)
                        or text in self._BOOT)
        if self._COMMAND.match(text) or self._ANSWER.match(text) or self._FINAL.match(text) or text in self._BOOT:
            return True
        # a bare line (no prefix, no 'Key: value') answers only ATI-like commands
        return bool(state.data.get("bare"))

    def note(self, state: BlockState, text: str) -> None:
        if self._ANSWER.match(text):
            state.data["answers"] = True
        if self._FINAL.match(text):
            state.data["final"] = True
        elif self._COMMAND.match(text):
            state.data["final"] = False
            state.data["bare"] = bool(self._BARE_ANSWERS.match(text))

    def finish(self, state: BlockState, command_kind: Optional[str]) -> Optional[str]:
        # 'AT+CFUN=1,1' / 'OK' alone says nothing about the modem: from content alone a
        # block needs an answer line too.
        if not state.hinted and not state.data.get("answers"):
            return None
        return super().finish(state, command_kind)


class UqmiSignature(Signature):
    """uqmi: one-line JSON objects (-s), bare JSON strings, and its transport errors."""

    def __init__(self) -> None:
        super().__init__(
            "uqmi",
            start=(
                r"\{\"(?:pin1_status|registration|type|link-layer-protocol|card_application_state|apn|ipv4|error)\""
                r"|\"(?:Call failed|No effect|UIM uninitialized|Not supported|Invalid QMI command|Out of call"
                r"|Policy mismatch|Device not ready|No network found|Incorrect PIN|Access denied)\"$"
                r"|Failed to connect to service$|Request timed out$"
                r"|\d+\s+\S+\s+(?:\d+[mMkK]?\s+)?[RSDTZIW][\w<+]*\s+(?:\{(?:qmi|mbim)\.sh\}|\S*/?uqmi\s)"  # ps: a waiting uqmi
            ),
            member=(r"\{|\}|\"[\w-]+\"\s*:|-?\d+$|\"[^\"]*\"$|Failed to connect to service$|Request timed out$"
                    r"|(?:Send|Received) packet:|\d+\s+\S+\s+(?:\d+[mMkK]?\s+)?[RSDTZIW][\w<+]*\s+\S"),
            hinted=r"\{\s*$|(?:Send|Received) packet:",
            heads='{"FR\\d',
        )


class MmcliSignature(Signature):
    """mmcli -m N / -b N: 'Section | key: value' rows between dashed rules."""

    def __init__(self) -> None:
        super().__init__(
            "mmcli",
            start=(
                r"(?:General|Hardware|System|Numbers|Status|Modes|Bands|IP|3GPP|3GPP EPS|3GPP UE|SIM|Bearer|Properties"
                r"|IPv4 configuration|IPv6 configuration|Statistics|Signal|Location|Firmware|Messaging|Voice)\s*\|\s+[\w .()-]+:"
            ),
            member=r"(?:[A-Za-z0-9][\w ]*)?\|(?:\s.*)?$|-{5,}$",
            heads="GHSNMBI3PLFV",
        )


DMESG = DmesgSignature()
# 'route -n' (net-tools, BusyBox) and 'route -A inet6 -n': a title, a heading, then rows
_ROUTE_N_HEADER = r"Kernel IP(?:v6)? routing table\s*$|Destination\s+(?:Gateway\s+Genmask|Next\s+Hop)\s+Flags?\b"
_ROUTE_N_ROW = (
    r"(?:\d{1,3}\.){3}\d{1,3}\s+(?:\d{1,3}\.){3}\d{1,3}\s+(?:\d{1,3}\.){3}\d{1,3}\s+[A-Z!]+\s+-?\d+\s+\d+\s+\d+(?:\s+\S+)?\s*$"
    r"|[0-9a-fA-F:]*:[0-9a-fA-F:]*/\d{1,3}\s+[0-9a-fA-F:]+\s+[A-Za-z!]+\s+-?\d+\s+\d+\s+\d+(?:\s+\S+)?\s*$"
)
_IFACE_STATE = r"(?:UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|LOWERLAYERDOWN)"
_LOG_SYSLOG = (
    r"(?:" + _DAY + r"\s+" + _MONTH + r"\s+\d{1,2}\s+\d\d:\d\d:\d\d\s+\d{4}\s+[\w]+\.[\w]+\s+\S"
    r"|" + _MONTH + r"\s+\d{1,2}\s+\d\d:\d\d:\d\d\s+\S+\s+(?:\w+\.\w+\s+)?[\w./@-]+(?:\[\d+\])?:"
    r"|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*\s+\S+\s+[\w./@-]+(?:\[\d+\])?:"
    # the date cut off, as wikis and blogs quote logread: 'daemon.notice netifd: ...'
    r"|(?:kern|user|mail|daemon|auth|authpriv|syslog|lpr|news|uucp|cron|ftp|local[0-7])"
    r"\.(?:emerg|alert|crit|err|warn|warning|notice|info|debug)\s+[\w./@-]+(?:\[\d+\])?:(?:\s|$))"
)

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UCI_WORD = r"(?:'[\w-]+'|\"[\w-]+\"|[\w-]+)"
_LOWER_DIGIT = _LOWER + "0123456789"


class UciSignature(Signature):
    """UCI files; 'option NAME' without its value is a line a client cut before a long value
    (a sysfs path), whose rest follows on the next line."""

    _CUT = _re(r"(?:option|list)\s+" + _UCI_WORD + r"\s*$")

    def unfinished(self, state: BlockState, text: str) -> bool:
        return bool(self._CUT.match(text))


SIGNATURES: Tuple[Signature, ...] = (
    UsbTextSignature(),
    LsusbSignature(),
    Signature(
        "lsusb_tree",
        start=r"/:\s*Bus\s+\d+\.Port\s+\d+:\s*Dev\s+\d+|(?:\|\s*)*\|__\s*Port\s+\d+:\s*Dev\s+\d+",
        member=r"/:\s*Bus\s|(?:\|\s*)*\|?__\s*Port\s+\d+|ID\s+[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\b|/sys/bus/usb/devices/",
        heads="/|",
    ),
    DMESG,
    LogreadSignature(),
    Signature(
        "opkg_list",
        start=r"[a-z0-9][a-z0-9.+_-]*\s+-\s+[0-9a-zA-Z][\w.+~:-]*(?:\s+-\s+.*)?$",
        min_lines=2,
        heads=_LOWER_DIGIT,
    ),
    Signature(
        "apk_list",
        start=r"[a-z0-9][\w.+~-]*[-_]\d[\w.+_~-]*\s+[\w-]+\s+\{[^}]*\}",
        heads=_LOWER_DIGIT,
    ),
    Signature(
        "opkg_errors",
        start=(
            r"Collected errors:|\*\s+(?:opkg_\w+|satisfy_dependencies_for|check_data_file_clashes|pkg_hash_\w+|opkg_download|resolve_conffiles|verify_pkg_installable|wfopen|file_\w+|pkg_\w+):"
            r"|Unknown package '|Downloading https?://|Updated list of available packages|Signature check (?:passed|failed)"
            r"|\*{0,3}\s*Failed to download|Installing \S+ \(\S+\) to \w+|Configuring \S+\.$|Package \S+ \(\S+\) installed in \w+ is up to date"
            r"|Upgrading \S+ on \w+ from|Multiple packages \S+ and \S+ providing"
            r"|ERROR: (?:unable to select packages|\S+: (?:package|UNTRUSTED|No such)|Failed to)|fetch https?://|OK: \d+ MiB in \d+ packages|\(\d+/\d+\) (?:Installing|Upgrading|Purging|Replacing)"
        ),
        member=(
            r"Collected errors:|\*\s|Unknown package|Downloading\s|Updated list|Signature check|\*{0,3}\s*Failed to download"
            r"|Installing\s|Configuring\s|Package\s\S+|Upgrading\s|Removing\s|Multiple packages|Not downloading|wget returned"
            r"|Cannot\s|Collected|Error\b|ERROR:|WARNING:|fetch\s|OK:\s|\(\d+/\d+\)|Executing\s|required by:|[\w.+-]+ \([^)]*\):$"
            r"|[\w.+-]+ \(no such package\)|satisfies:|breaks:|picked:|conflicts:|Writing\s|Connecting to|wget:|Errors were"
            r"|[\w.+~-]+:$"
            r"|The following packages|[*]\s*\w|Inflating\s|Removing obsolete|Package list|Unpacking"
            r"|Failed to establish connection|Failed to send request|Resolving\s|HTTP request sent|HTTP error|SSL\s"
        ),
        heads="C*UDSFIPMEOf(",
    ),
    UciSignature(
        "uci_config",
        # uci before 2011 quoted the section type and option names too: "config 'interface' 'wan'"
        # or the options of a section pasted without their 'config' line (two lines at least)
        start=(r"(?:package\s+" + _UCI_WORD + r"\s*$|config\s+" + _UCI_WORD + r"(?:\s+(?:'[^']*'|\"[^\"]*\"|[\w-]+))?\s*$"
               r"|option\s+" + _UCI_WORD + r"\s+(?:'[^']*'|\"[^\"]*\"|[^\s'\"]+)\s*$)"),
        # an elision mark ('[...]') stands for options left out: the section goes on after it
        member=(
            r"(?:option|list)\s+" + _UCI_WORD + r"(?:\s+\S.*)?$|config\s+['\"]?[\w-]+|package\s+" + _UCI_WORD + r"\s*$|#"
            r"|(?:\[\s*(?:\.\.\.|\u2026)\s*\]|\.\.\.|\u2026)$"
        ),
        min_lines=2,
        heads="pco",
    ),
    Signature(
        "uci_show",
        # 'network.wan=interface' or "network.wan.proto='qmi'" (values quoted since 2014;
        # older uci printed them bare, one word)
        start=r"[a-z][\w-]*\.(?:@[\w-]+\[-?\d+\]|[\w-]+)(?:=[A-Za-z_][\w-]*|\.[\w-]+=(?:'[^']*'(?:\s+'[^']*')*|[^\s']+))\s*$",
        heads=_LOWER,
    ),
    Signature(
        "openwrt_release",
        start=r"(?:DISTRIB_[A-Z_]+|OPENWRT_[A-Z_]+|LEDE_[A-Z_]+)=",
        member=r"(?:DISTRIB_[A-Z_]+|OPENWRT_[A-Z_]+|LEDE_[A-Z_]+|NAME|VERSION|ID|ID_LIKE|PRETTY_NAME|VERSION_ID|HOME_URL|BUG_URL|SUPPORT_URL|BUILD_ID|ANSI_COLOR|VERSION_CODENAME|IMAGE_ID)=",
        heads="DOL",
    ),
    JsonSignature(),
    UnameSignature(),
    Signature(
        "ip_addr",
        start=r"\d+:\s+[\w@.:-]+:\s+<[\w,-]*>|\d+:\s+[\w@.-]+\s+inet6?\s+[\da-f.:]+/\d+\s",
        member=(
            r"\d+:\s+[\w@.:-]+:\s+<[\w,-]*>|\d+:\s+[\w@.-]+\s+inet6?\s|link/\w+|inet6?\s+\S+|valid_lft\s|altname\s|alias\s|vf\s\d|prop\s|link-netns"
            r"|[\w@.-]+\s+" + _IFACE_STATE + r"\b|[RT]X:\s|[RT]X errors:|\d+(?:\s+\d+){3,}\s*$"
        ),
        hinted=r"[\w@.-]+\s+" + _IFACE_STATE + r"\b|\S+\s+(?:mtu|qdisc)\b",
        heads="\\d",
    ),
    # ip -br addr / ip -br link: two lines needed, a sentence can look like one
    Signature(
        "ip_addr",
        start=r"[\w@.-]+\s+" + _IFACE_STATE + r"(?:\s+\S+)*\s*$",
        min_lines=2,
        heads="\\w@.-",
    ),
    Signature(
        "ip_route",
        start=(
            r"(?:default\s+(?:via|dev|from|proto|table)\s|(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\s+(?:via|dev|proto|scope|from|nhid)\s"
            r"|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?\s+(?:via|dev|from|proto|metric|nhid)\s"
            r"|(?:unreachable|blackhole|prohibit|local|broadcast|multicast|anycast|throw)\s+[\d.:a-f/]+|nexthop\s"
            r"|" + _ROUTE_N_HEADER + r")"
        ),
        member=(
            r"(?:default\s+(?:via|dev|from|proto|table)\s|(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\s+(?:via|dev|proto|scope|from|nhid)\s"
            r"|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?\s+(?:via|dev|from|proto|metric|nhid)\s"
            r"|(?:unreachable|blackhole|prohibit|local|broadcast|multicast|anycast|throw)\s+[\d.:a-f/]+|nexthop\s"
            r"|" + _ROUTE_N_HEADER + r"|" + _ROUTE_N_ROW + r")"
        ),
        hinted=_ROUTE_N_ROW,
        heads="\\d:abcdeflmnptuKD",
    ),
    Signature(
        "ifconfig",
        start=r"[\w.:@-]+\s+(?:Link encap:|flags=\d+<)",
        member=(
            r"[\w.:@-]+\s+(?:Link encap:|flags=\d+<)|inet6?\s+addr:|inet6?\s|ether\s|(?:UP|BROADCAST|RUNNING|MULTICAST|POINTOPOINT|LOOPBACK|NOARP)\b"
            r"|RX\s|TX\s|collisions:|Interrupt:|loop\s|unspec\s|txqueuelen|Base address|device\s"
        ),
        heads="\\w.:@-",
    ),
    Signature(
        "ls_dev",
        start=r"[-bcdlps][rwxsStT-]{9}[.+@]?\s+\d+\s+\S+\s+\S+\s+\d|total\s+\d+[KMG]?$",
        member=r"[-bcdlps][rwxsStT-]{9}[.+@]?\s+\d+\s|total\s+\d+$",
        # 'total 0' opens `ls -l`; alone it stays below min_lines
        min_lines=2,
        # plain `ls /dev` prints names in columns: only after the command, never from content
        hinted=r"[\w.:+@-]+/?\*?(?:\s+[\w.:+@-]+/?\*?)*\s*$|/[\w/.-]+:$",
        heads="-bcdlpst",
    ),
)

# What the modem says about itself (issue 7): after the others, so a shape they know wins.
SIGNATURES = SIGNATURES + (QmiMbimSignature(), AtSignature(), UqmiSignature(), MmcliSignature())
# qmi_wwan's raw_ip flag: 'PATH=N' (collector, probe), 'PATH:Y' (grep .), '==> PATH <==' then the
# value (head), cat's error for a missing attribute; a bare Y/N only after a command naming the file.
_RAW_IP = r"/sys/class/net/[\w.@:-]+/qmi/raw_ip"
SIGNATURES = SIGNATURES + (
    Signature(
        "qmi_raw_ip",
        start=(_RAW_IP + r"\s*[=:]\s?\S|==>\s*" + _RAW_IP + r"\s*<==$"
               r"|(?:cat|head|tail|grep):\s*(?:can't open\s*)?'?" + _RAW_IP + r"'?:\s"),
        member=(_RAW_IP + r"\s*[=:]\s?\S|==>\s*" + _RAW_IP + r"\s*<==$|[YN]$"
                r"|(?:cat|head|tail|grep):\s*(?:can't open\s*)?'?" + _RAW_IP + r"'?:\s"),
        hinted=r"[YN01]$",
        heads="/=chtg",
    ),
)



class LuciErrorSignature(Signature):
    """LuCI's interface error lines ('Error: PIN code rejected', 'Error: Unknown error
    (NO_REGISTRATION)'): only the messages LuCI prints for netifd error codes (the table in
    data/openwrt/luci-errors.json), so any other 'Error: ...' sentence stays prose. One line
    is enough: users quote them one at a time between sentences."""

    def __init__(self) -> None:
        super().__init__("luci_errors", start=r"Error:", heads="E")  # the real test is starts()
        self._line: Optional[Pattern[str]] = None

    def _pattern(self) -> Pattern[str]:
        if self._line is None:
            from ..parse.luci_errors import line_pattern  # the table is read on first use only

            self._line = re.compile(line_pattern())
        return self._line

    def starts(self, text: str) -> bool:
        return text.startswith("Error:") and bool(self._pattern().match(text))

    def accepts_text(self, text: str, hinted: bool) -> bool:
        return self.starts(text)


SIGNATURES = SIGNATURES + (LuciErrorSignature(),)

# ping (BusyBox, iputils) and BusyBox nslookup: the data path's last steps. Each start is a
# line only these tools print; a lone 'ping: ...' or 'nslookup: ...' error is output too.
SIGNATURES = SIGNATURES + (
    Signature(
        "ping",
        start=(r"PING\s+\S+\s+\([^)\s]*\)(?::\s+\d+\s+data bytes|(?:\s+from\s+\S+\s+\S+:)?\s+\d+\(\d+\)\s+bytes of data)"
               r"|ping:\s+(?:sendto|connect|sendmsg|bad address|SO_BINDTODEVICE)\b|ping:\s+\S+:\s+(?:Temporary failure in name resolution|Name or service not known)"
               r"|\d+\s+packets\s+transmitted,\s+\d+\s+(?:packets\s+)?received"),
        member=(r"PING\s+\S+\s+\(|ping:\s|\d+\s+bytes\s+from\s|From\s+\S+.*seq=\d+|---\s+\S+\s+ping statistics\s+---$"
                r"|\d+\s+packets\s+transmitted,|(?:round-trip|rtt)\s+min/avg/max"),
        heads="Pp\\d",
    ),
    Signature(
        "nslookup",
        start=(r"Server:\s+[\w.:%-]+\s*$|nslookup:\s+(?:can't resolve|write to|read|can't connect)\b"
               r"|;;\s+connection timed out|\*\*\*?\s+(?:server\s+)?can't find\s"),
        member=(r"Server:\s|Address(?:\s+\d+)?:\s*\S|Name:\s+\S|Non-authoritative answer:|Aliases:|\S+\s+canonical name = "
                r"|nslookup:\s|;;\s|\*\*\*?\s+(?:server\s+)?can't find\s"),
        heads="Sn;*",
    ),
)

BY_KIND: Dict[str, Signature] = {}
for _signature in SIGNATURES:
    for _kind in _signature.kinds():
        BY_KIND.setdefault(_kind, _signature)  # the first signature of a kind is its main one

_CANDIDATES: Dict[str, Tuple[Signature, ...]] = {}


def candidates(char: str) -> Tuple[Signature, ...]:
    """The signatures (in ``SIGNATURES`` order) whose start can match a text beginning
    with ``char``; all of them for an empty text or a space."""
    found = _CANDIDATES.get(char)
    if found is None:
        if not char or char.isspace():
            found = SIGNATURES
        else:
            found = tuple(signature for signature in SIGNATURES if signature.can_start(char))
        if len(_CANDIDATES) < 4096:
            _CANDIDATES[char] = found
    return found


def first_start(text: str) -> Optional[Signature]:
    """The first signature whose start matches ``text``, else None."""
    for signature in candidates(text[:1]):
        if signature.starts(text):
            return signature
    return None
