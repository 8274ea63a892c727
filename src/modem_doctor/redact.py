"""Remove what identifies a person or a SIM from text meant for sharing.

Covered: IMEI, IMSI, ICCID, phone numbers, USB and device serial numbers, MAC
addresses, public IP addresses, passwords, PINs and Wi-Fi keys. Each distinct value
gets a stable pseudonym within one ``Redactor`` (the same MAC is ``[MAC-1]``
everywhere), so a reader can still follow which device is which.

What stays, on purpose, because diagnosis needs it and it identifies nobody: private
and link-local addresses (subnet collisions are a classic fault), the first three
bytes of a MAC (the vendor OUI), host-controller "serials" such as ``101c0000.ehci``
or ``0000:00:14.0`` (platform device names), VID:PID and interface numbers.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Dict, List, Match, Pattern, Tuple


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# Serial numbers that are really platform device names, not per-unit identifiers.
_PLATFORM_SERIAL = re.compile(
    r"^(?:[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]|[0-9a-f]+\.(?:[eo]hci|xhci|usb|dwc\d?)\S*|"
    r"(?:[eoux]hci|dummy_hcd|musb|dwc\d?)[-_.\w]*)$",
    re.IGNORECASE,
)
# Public resolvers that plans and users ping or query: shared anycast services that
# identify nobody, and the plan's own check commands must survive --share intact.
PUBLIC_SERVICES = frozenset({"1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112"})

_SECRET_KEYS = (
    "password|passwd|pincode|pin|puk|key|psk|wpa_passphrase|passphrase|secret|"
    "init_password|auth_secret|sae_password"
)


class Redactor:
    """Replaces identifying values with stable pseudonyms; keeps a count per kind."""

    def __init__(self) -> None:
        self._names: Dict[Tuple[str, str], str] = {}
        self._counts: Dict[str, int] = {}
        self._rules: List[Tuple[Pattern[str], Callable[[Match[str]], str]]] = [
            # Secrets first: a PIN looks like any number, so only its context finds it.
            (re.compile(r"(?im)^(\s*(?:option|list)\s+(?:" + _SECRET_KEYS + r")\s+)(\S.*?)\s*$"), self._secret_group2),
            (re.compile(r"(?im)(\.(?:" + _SECRET_KEYS + r")=)('[^']*'|\"[^\"]*\"|\S+)"), self._secret_group2),
            (re.compile(r"(?i)(\"(?:" + _SECRET_KEYS + r")\"\s*:\s*)(\"[^\"]*\")"), self._secret_group2),
            # A quote may come JSON-escaped (\") when the command sits inside a JSON string.
            (re.compile(r"(?i)(AT\+CPIN\s*=\s*)((?:\\?\")?[0-9]{4,8}(?:\\?\")?(?:\s*,\s*(?:\\?\")?[0-9]{4,8}(?:\\?\")?)?)"), self._secret_group2),
            (re.compile(r"(?i)(AT\+CLCK\s*=\s*(?:\\?\")?SC(?:\\?\")?\s*,\s*\d\s*,\s*)((?:\\?\")?[0-9]{4,8}(?:\\?\")?)"), self._secret_group2),
            (re.compile(r"(?i)(--(?:verify-pin[12]|uim-verify-pin[12]|pin|puk|password|pincode)[=\s]+)('[^']*'|\"[^\"]*\"|\S+)"), self._secret_group2),
            (re.compile(r"(?i)(\b(?:pin|password|pin code|pincode)\s*(?:is|=|:)\s*)(\"[^\"]+\"|'[^']+'|[0-9]{4,8}\b)"), self._secret_group2),
            # Identities of the SIM and the modem, named by their context.
            (re.compile(r"(?i)((?:\b(?:imei|equipment id|esn|meid)|\+CGSN:?|\^IMEI:?)[\s:=\"']+)([0-9A-F]{8,17})\b"), self._id_group2("IMEI")),
            (re.compile(r"(?i)((?:\bimsi|\+CIMI:?)[\s:=\"']+)([0-9]{6,15})\b"), self._id_group2("IMSI")),
            (re.compile(r"(?i)((?:\biccid|\+Q?CCID:?|\^ICCID:?)[\s:=\"']+)([0-9]{18,20}F?)\b"), self._id_group2("ICCID")),
            (re.compile(r"(?i)((?:\b(?:msisdn|own numbers?|own|phone(?: number)?)|\+CNUM:[^\"\n]*\"[^\"\n]*\",?)[\s:=\"']+)(\+?[0-9]{6,15})\b"), self._id_group2("PHONE")),
            # Free-standing numbers with a checkable shape.
            (re.compile(r"(?<![0-9A-Za-z.:+-])89[0-9]{16,18}F?(?![0-9])"), self._iccid),
            (re.compile(r"(?<![0-9A-Za-z.:+-])[0-9]{15}(?![0-9A-Za-z])"), self._imei_or_imsi),
            (re.compile(r"(?<![\w+])\+[1-9][0-9]{7,14}(?![0-9])"), self._phone),
            # Serial numbers in USB listings and JSON.
            (re.compile(r"(?m)(SerialNumber=)(.+?)\s*$"), self._serial_group2),
            (re.compile(r"(?m)(\bSerialNumber:[ \t]+)(\S.*?)[ \t]*$"), self._serial_group2),  # kernel log
            (re.compile(r"(?i)(\b_SN:)([0-9a-f]{6,16})\b"), self._serial_group2),  # Qualcomm product strings
            (re.compile(r"(?m)(iSerial\s+\d+\s+)(\S.*?)\s*$"), self._serial_group2),
            (re.compile(r"(?i)(\"(?:serial|serial_number|serialno)\"\s*:\s*\")([^\"]+)(\")"), self._serial_group2),
            # Network identities.
            (re.compile(r"(?i)(?<![0-9a-f:])((?:[0-9a-f]{2}[:-]){2}[0-9a-f]{2})[:-]((?:[0-9a-f]{2}[:-]){2}[0-9a-f]{2})(?![0-9a-f:])"), self._mac),
            (re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])"), self._ipv4),
            (re.compile(r"(?i)(?<![0-9a-f:.])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?:/[0-9]{1,3})?(?![0-9a-f:.])|(?<![0-9a-f:])(?:[0-9a-f]{1,4}:)+:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![0-9a-f:])"), self._ipv6),
        ]

    @property
    def counts(self) -> Dict[str, int]:
        """How many distinct values of each kind were replaced."""
        return dict(self._counts)

    def redact(self, text: str) -> str:
        for pattern, replace in self._rules:
            text = pattern.sub(replace, text)
        return text

    # -- naming -------------------------------------------------------------------------
    def _name(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._names:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._names[key] = f"[{kind}-{self._counts[kind]}]"
        return self._names[key]

    def _secret_group2(self, match: Match[str]) -> str:
        value = match.group(2)
        if value.startswith("[") and value.endswith("]"):
            return match.group(0)
        quote = ""
        for candidate in ('\\"', "'", '"'):
            if len(value) > 2 * len(candidate) and value.startswith(candidate) and value.endswith(candidate):
                quote = candidate
                break
        self._counts["SECRET"] = self._counts.get("SECRET", 0) + 1
        return match.group(1) + f"{quote}[REDACTED]{quote}"

    def _id_group2(self, kind: str) -> Callable[[Match[str]], str]:
        def replace(match: Match[str]) -> str:
            return match.group(1) + self._name(kind, match.group(2))

        return replace

    def _serial_group2(self, match: Match[str]) -> str:
        value = match.group(2).strip()
        if not value or value.startswith("[SERIAL-") or _PLATFORM_SERIAL.match(value):
            return match.group(0)
        tail = match.group(3) if match.lastindex and match.lastindex >= 3 else ""
        # Named by the lower-cased value: the same serial is printed in both cases.
        return match.group(1) + self._name("SERIAL", value.lower()) + tail

    def _iccid(self, match: Match[str]) -> str:
        digits = match.group(0).rstrip("F")
        return self._name("ICCID", match.group(0)) if _luhn_ok(digits) or len(digits) >= 19 else match.group(0)

    def _imei_or_imsi(self, match: Match[str]) -> str:
        # IMSIs carry no checksum, so any other bare 15-digit number is taken as one:
        # over-redacting a counter is cheaper than leaking a subscriber identity.
        value = match.group(0)
        return self._name("IMEI" if _luhn_ok(value) else "IMSI", value)

    def _phone(self, match: Match[str]) -> str:
        return self._name("PHONE", match.group(0))

    def _mac(self, match: Match[str]) -> str:
        oui, tail = match.group(1), match.group(2)
        if tail.replace(":", "").replace("-", "") in ("000000", "ffffff") and oui.lower() in ("00:00:00", "ff:ff:ff"):
            return match.group(0)
        separator = "-" if "-" in oui else ":"
        return oui + separator + self._name("MAC", match.group(0).lower())

    def _ipv4(self, match: Match[str]) -> str:
        text = match.group(0)
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            return text
        if address.is_global and text not in PUBLIC_SERVICES:
            return self._name("PUBLIC-IP", text)
        return text

    def _ipv6(self, match: Match[str]) -> str:
        text = match.group(0)
        bare = text.split("/", 1)[0]
        try:
            address = ipaddress.IPv6Address(bare)
        except ValueError:
            return text
        if address.is_global:
            suffix = text[len(bare):]
            return self._name("PUBLIC-IP", str(address)) + suffix
        return text


def redact_text(text: str) -> str:
    """One-shot redaction of a single text."""
    return Redactor().redact(text)
