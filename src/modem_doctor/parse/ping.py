"""``ping`` output, BusyBox (OpenWrt) and iputils (desktop Linux) layouts.

BusyBox::

    PING 127.0.0.1 (127.0.0.1): 56 data bytes
    64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.062 ms
    --- 127.0.0.1 ping statistics ---
    2 packets transmitted, 2 packets received, 0% packet loss
    round-trip min/avg/max = 0.059/0.060/0.062 ms

iputils says ``PING x (y) 56(84) bytes of data.``, ``icmp_seq=1`` and ``2 packets
transmitted, 0 received, 100% packet loss, time 1013ms`` (with ``+N errors`` when ICMP
errors came back). Errors before any packet: ``ping: sendto: Network is unreachable``
(BusyBox), ``ping: connect: Network is unreachable`` (iputils), ``ping: bad address 'X'``
(BusyBox: an unknown name, or an unknown ``-I`` device), ``ping: SO_BINDTODEVICE X: No
such device``, ``ping: X: Temporary failure in name resolution`` (iputils).
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.reach import PingResult, PingRun
from ._log_common import check_lines, check_text

KIND = "ping"
TITLE = "ping output (BusyBox or iputils)"

_HEAD = re.compile(r"^PING\s+(?P<target>\S+)\s+\((?P<address>[^)\s]*)\)(?P<rest>.*)$")
_FROM = re.compile(r"^\s+from\s+\S+\s+(?P<device>[\w.@-]+):")
_REPLY = re.compile(r"^\d+\s+bytes\s+from\s+\S+")
_ICMP_ERROR = re.compile(r"^From\s+\S+.*(?:icmp_seq|seq)=\d+\s+\S")  # 'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable'
_STATS_HEAD = re.compile(r"^---\s+(?P<target>\S+)\s+ping statistics\s+---$")
_SUMMARY = re.compile(
    r"^(?P<tx>\d+)\s+packets\s+transmitted,\s+(?P<rx>\d+)\s+(?:packets\s+)?received"
    r"(?P<errors>,\s+\+\d+\s+errors)?(?:,\s+\+\d+\s+duplicates)?(?:,\s+(?P<loss>\d+)(?:\.\d+)?%\s+packet\s+loss)?"
    r"(?P<iputils>,\s+time\s+\d+\s*ms)?"
)
_RTT = re.compile(r"^(?:round-trip|rtt)\s+min/avg/max")
_ERROR = re.compile(r"^ping:\s+(?P<what>.+)$")
_BAD_ADDRESS = re.compile(r"^bad address '(?P<target>[^']*)'$")
_RESOLVE = re.compile(r"^(?P<target>[^\s:]+):\s+(?P<error>.*(?:name resolution|not known|No address).*)$")


def _error(what: str) -> Tuple[str, str]:
    """(target, error message) from what follows 'ping: '."""
    match = _BAD_ADDRESS.match(what)
    if match:
        return match.group("target"), what
    match = _RESOLVE.match(what)
    if match:
        return match.group("target"), match.group("error")
    # 'sendto: Network is unreachable', 'connect: ...'; 'SO_BINDTODEVICE wwan0: No such device' stays whole
    for call in ("sendto: ", "connect: ", "sendmsg: "):
        if what.startswith(call):
            return "", what[len(call):]
    return "", what


def parse_lines(lines: Sequence[Line]) -> Parsed[PingRun]:
    lines = check_lines(KIND, lines)
    results: List[PingResult] = []
    current: Optional[PingResult] = None
    unparsed = UnparsedCollector()

    def close() -> None:
        nonlocal current
        if current is not None:
            results.append(current)
        current = None

    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        head = _HEAD.match(text)
        if head:
            close()
            tool = "busybox" if head.group("rest").rstrip().endswith("data bytes") else "iputils"
            bound = _FROM.match(head.group("rest"))
            current = PingResult(target=head.group("target"), address=head.group("address"), tool=tool,
                                 device=bound.group("device") if bound else "",
                                 line=line.number, first_line=line.number, last_line=line.number)
            continue
        error = _ERROR.match(text)
        if error:
            target, message = _error(error.group("what").strip())
            if current is None or current.transmitted is not None or current.error:
                close()
                current = PingResult(target=target, error=message, line=line.number,
                                     first_line=line.number, last_line=line.number)
            else:
                current = dataclasses.replace(current, error=message, line=line.number, last_line=line.number,
                                              target=current.target or target)
            continue
        if current is None:
            current = PingResult(line=line.number, first_line=line.number, last_line=line.number)
        if _REPLY.match(text):
            current = dataclasses.replace(current, replies=current.replies + 1, last_line=line.number)
            continue
        stats = _STATS_HEAD.match(text)
        if stats:
            current = dataclasses.replace(current, target=current.target or stats.group("target"), last_line=line.number)
            continue
        summary = _SUMMARY.match(text)
        if summary:
            tool = current.tool or ("iputils" if summary.group("iputils") or "packets received" not in text else "busybox")
            loss = summary.group("loss")
            current = dataclasses.replace(
                current, transmitted=int(summary.group("tx")), received=int(summary.group("rx")),
                loss_percent=int(loss) if loss is not None else None, tool=tool, line=line.number,
                last_line=line.number,
            )
            continue
        if _RTT.match(text) or _ICMP_ERROR.match(text):
            current = dataclasses.replace(current, last_line=line.number)
            continue
        unparsed.add(line, "not a ping line")
    close()
    first, last = line_span(lines)
    return Parsed(KIND, PingRun(tuple(results)), unparsed.freeze(), first, last)


def parse(text: str) -> Parsed[PingRun]:
    return parse_lines(number_lines(check_text(KIND, text)))
