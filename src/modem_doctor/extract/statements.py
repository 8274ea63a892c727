"""Facts users only state in words: "my EC25-E", "OpenWrt 23.05", "no PIN on the SIM",
"the modem is my only internet", "APN is internet", "I installed kmod-usb-net-cdc-ether",
"After each device reboot, it switches back".

Conservative by design: a statement is read only when its wording is specific (a known
model family, a release number after 'OpenWrt', a package name that exists in OpenWrt's
naming scheme after 'installed' without a negation). Missing a fact costs a question to
the user; inventing one costs a wrong diagnosis. The table ``STATEMENTS`` is the data:
each entry is a kind, a pattern and how to read the value from the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Pattern, Sequence, Tuple

from ..model.common import Line
from ..model.host import StatedFact
from ._lazy import lazy

# Modem families commonly used with OpenWrt (Quectel, Sierra, Huawei, ZTE, SIMCom,
# Fibocom, Foxconn, Dell, Telit, u-blox, Netgear). A name is only taken as a modem when it
# matches one of these shapes; a vendor word alone is not enough.
_MODEL_FAMILIES = (
    r"EC2[015](?:-[A-Z]{1,4})?|EG0[6-9](?:-[A-Z]{1,4})?|EG[12][0-9](?:-[A-Z]{1,4})?|EP06(?:-[A-Z]{1,4})?"
    r"|EM0[56](?:-[A-Z]{1,4})?|EM1[26](?:-[A-Z]{1,4})?|EM060K(?:-[A-Z]{1,4})?|EM160R(?:-[A-Z]{1,4})?"
    r"|RM50[02][QNU](?:-[A-Z]{1,4})?|RM5[25]0N(?:-[A-Z]{1,4})?|RM551E(?:-[A-Z]{1,4})?|RG50[02]Q(?:-[A-Z]{1,4})?"
    r"|BG9[56](?:-[A-Z0-9]{1,4})?|UC20|UC15|EC200[ATUS](?:-[A-Z]{1,4})?"
    r"|[ME]C7[34][0-9]{2}|EM7[3-5][0-9]{2}|EM9[12]91|MC8[0-9]{3}"
    r"|MU[67]09(?:s-2|s|-2)?|ME9[01][69][su]?(?:-[0-9]{3})?|ME936|E33[57]2[hs]?(?:-[0-9]{3})?|E3276(?:s)?(?:-[0-9]{3})?"
    r"|E3131|E392|E398|E1550|E173|E220|E8372(?:h)?(?:-[0-9]{3})?|K5150|K5160|ME909s?|EM820W|ME906[es]?"
    r"|MF8[0-9]{2}[A-Z]?|MF2[0-9]{2}[A-Z]?|MF79[0-9][A-Z]?|P685M"
    r"|SIM7[0-9]{3}[A-Z-]*|SIM8[0-9]{3}[A-Z-]*|SIM5[0-9]{3}[A-Z-]*"
    r"|L8[56]0(?:-GL)?|FM1[0-9]0(?:-[A-Z]{2})?|FM350(?:-GL)?|FG150|NL6[0-9]8(?:-[A-Z]{2,4})?|L610|L7[0-9]{2}"
    r"|T77W968|T77W595|T99W175|T99W265|T99W373|DW58[0-9]{2}e?|LE910[A-Z0-9-]*|LN9[0-9]0|LM9[0-9]0|FN9[0-9]0|FN980"
    r"|TOBY-[A-Z0-9]+|LARA-[A-Z0-9]+|SARA-[A-Z0-9]+|MR1100|AC79[0-9]S|LM1200"
)
# The first two letters every family above can begin with: tried before the families at
# each word start, so a line's other words fail at once (tests check that it covers them).
_MODEL_HEADS = r"e[cgpm0-9]|r[mg]|bg|uc|m[cuefr]|k5|p6|s[ia]|l[0-9aemn]|f[mgn]|nl|t[79o]|dw|ac"
_MODEL = lazy(r"(?<![\w-])(?=" + _MODEL_HEADS + r")(" + _MODEL_FAMILIES + r")(?![\w])", re.IGNORECASE)

# Package names in OpenWrt's scheme that matter here.
_PACKAGE = (
    r"(?:kmod-[a-z0-9][\w-]*[a-z0-9]|luci-proto-[\w-]+|luci-app-[\w-]+|uqmi|umbim|comgt(?:-ncm|-directip)?"
    r"|usb-modeswitch|modemmanager|qmi-utils|mbim-utils|libqmi|libmbim|wwan|chat|ppp(?:-mod-[\w-]+)?"
    r"|picocom|minicom|sms-tool|usbutils|socat|atinout)"
)
_PACKAGE_RE = lazy(r"(?<![\w.-])(" + _PACKAGE + r")(?![\w-])")


@dataclass(frozen=True)
class Statement:
    """One row of the table: a kind, a pattern, and how to read the value."""

    kind: str
    pattern: Pattern[str]
    value: Callable[["re.Match[str]"], Optional[str]]
    words: Tuple[str, ...] = ()  # lower-case words one of which every match contains
    hedge: Optional[Pattern[str]] = None  # a line matching this only reports a belief: skip it


# Words that follow 'APN is' in prose but are not an APN.
_NOT_APN = frozenset("correct right wrong set the a an not empty blank same configured ok fine missing".split())


def _apn_value(value: Optional[str]) -> Optional[str]:
    if not value or value.lower() in _NOT_APN:
        return None
    return value


def _const(value: str) -> Callable[["re.Match[str]"], Optional[str]]:
    return lambda match: value


def _release(match: "re.Match[str]") -> Optional[str]:
    value = match.group(1)
    return "SNAPSHOT" if value.lower() == "snapshot" else value


STATEMENTS: Tuple[Statement, ...] = (
    # 'OpenWrt 23.05', 'OpenWrt 23.05.2', 'OpenWrt 24.10-SNAPSHOT', 'OpenWRT v22.03.5'.
    Statement(
        "openwrt_release",
        lazy(
            r"\b(?:OpenWrt|LEDE)\s*(?:\(?(?:Kamikaze|Backfire|Attitude\s+Adjustment|Barrier\s+Breaker|Chaos\s+Calmer|Designated\s+Driver)\s+)?"
            r"(?:version\s+|release\s+|v)?(\d{1,2}\.\d{2}(?:\.\d{1,2})?(?:-rc\d+|-SNAPSHOT)?|SNAPSHOT)\b",
            re.IGNORECASE,
        ),
        _release,
        ("openwrt", "lede"),
    ),
    # SIM PIN: 'no PIN on the SIM', 'PIN is disabled', 'SIM without PIN', 'PIN lock removed'.
    Statement(
        "sim_pin",
        lazy(
            r"\b(?:no|without)\s+(?:a\s+|any\s+)?(?:SIM\s+)?PIN\b(?!\s*(?:code\s+)?(?:prompt|dialog|field))"
            r"|\bPIN\s+(?:code\s+|lock\s+|check\s+)?(?:is\s+|has\s+been\s+|was\s+)?(?:disabled|removed|turned\s+off|deactivated)\b"
            r"|\bdisabled?\s+(?:the\s+)?(?:SIM\s+)?PIN\b",
            re.IGNORECASE,
        ),
        _const("none"),
        ("pin",),
        # 'I thought ... meant there was no PIN set on the SIM, when I was sure I had set a PIN'
        lazy(r"\b(?:thought|think|meant|means|whether|if|unless|maybe|perhaps|sure)\b", re.IGNORECASE),
    ),
    Statement(
        "sim_pin",
        lazy(
            r"(?<!no\s)(?<!without\s)\b(?:SIM\s+)?PIN\s+(?:code\s+|lock\s+)?(?:is\s+)?(?:enabled|required|active|set)\b"
            r"|\bSIM\s+(?:is\s+)?(?:PIN[- ])?locked\b",
            re.IGNORECASE,
        ),
        _const("enabled"),
        ("pin", "locked"),
        lazy(r"\b(?:thought|think|meant|means|whether|if|unless|maybe|perhaps|sure)\b", re.IGNORECASE),
    ),
    # APN: 'APN is internet', 'APN: three.co.uk', "apn 'web.vodafone.de'", 'APN = "iot.1nce.net"'.
    Statement(
        "apn",
        lazy(
            r"\bAPN\s*(?:is\s*|=\s*|:\s*|name\s*(?:is\s*|:\s*)?)[\"'\u201c\u2018`]?([A-Za-z0-9][\w.-]*[A-Za-z0-9]|[A-Za-z0-9])"
            r"|\bAPN\s+[\"'\u201c\u2018`]([A-Za-z0-9][\w.-]*)[\"'\u201d\u2019`]"
            r"|\b(?:set|changed?|configured?|using|use|entered)\s+(?:the\s+|my\s+)?APN\s+(?:to\s+|as\s+)[\"'\u201c\u2018`]?([A-Za-z0-9][\w.-]*[A-Za-z0-9])",
            re.IGNORECASE,
        ),
        lambda match: _apn_value(match.group(1) or match.group(2) or match.group(3)),
        ("apn",),
    ),
    # The modem is the only way out: packages cannot be downloaded through it while it is down.
    Statement(
        "only_uplink",
        lazy(
            r"\b(?:only|sole)\s+(?:source\s+of\s+|way\s+to\s+(?:get\s+|access\s+|reach\s+)?(?:the\s+)?)?(?:internet|uplink|wan\s+connection|internet\s+connection|internet\s+access)\b"
            r"|\bno\s+other\s+(?:internet|uplink|wan|internet\s+connection|connection\s+to\s+the\s+internet)\b"
            r"|\b(?:no|without)\s+(?:wired|cable|fixed[- ]line|dsl|fibre|fiber|ethernet)\s+(?:internet|connection|uplink|wan)\b"
            r"|\bonly\s+way\s+(?:I(?:'|\u2019)?ve\s+been\s+able\s+|I\s+can\s+|we\s+can\s+)?(?:to\s+)?(?:get|have|access|reach)\s+(?:an?\s+|the\s+)?internet\b"
            r"|\bno\s+(?:cable(?:\s+modem)?|dsl|adsl|vdsl|fibre|fiber|wired|landline)\s+(?:service|internet|connection|broadband)\b",
            re.IGNORECASE,
        ),
        _const("yes"),
        ("only", "no ", "without", "sole"),
    ),
    # The user asks how to build a firmware image (the case thread does: a helper must then
    # give the Image Builder route, not only opkg).
    Statement(
        "asks_image",
        lazy(
            r"\bbuild(?:ing)?\s+(?:my\s+own|a\s+custom|(?:a|an|the|my)\s+new|(?:a|an|my))\s+(?:OpenWrt\s+)?(?:image|firmware)\b"
            r"|\b(?:image\s*builder|firmware\s+selector|custom\s+(?:image|firmware)|sysupgrade\s+image\s+with)\b",
            re.IGNORECASE,
        ),
        _const("yes"),
        ("image", "firmware", "builder", "selector"),
    ),
    # A tethered device's own subnet the user cannot change ('LAN sides forced to
    # 192.168.1.x subnet, unconfigurable'): what the router's LAN must stay out of. The
    # value is the /24 ('192.168.1.0/24').
    Statement(
        "tethered_subnet",
        lazy(
            r"\b(?:forced|fixed|locked|unconfigurable|hard-?coded|cannot\s+be\s+changed|can(?:'|\u2019)?t\s+be\s+changed)\b[^.]{0,60}?"
            r"\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.(?:x|\*|0/24)\b"
            r"|\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.(?:x|\*|0/24)\b[^.]{0,40}?\b(?:forced|fixed|locked|unconfigurable|hard-?coded|cannot\s+be\s+changed|can(?:'|\u2019)?t\s+be\s+changed)\b"
            r"|\b(?:hotspot|hilink|mifi|stick|dongle|tether(?:ed|ing)?)s?\b[^.]{0,60}?\b(?:subnet|range|network)\s+(?:is\s+|of\s+)?(\d{1,3}\.\d{1,3}\.\d{1,3})\.(?:x|\*|0/24)\b",
            re.IGNORECASE,
        ),
        lambda match: f"{match.group(1) or match.group(2) or match.group(3)}.0/24",
        ("forced", "fixed", "locked", "unconfigurable", "hard", "changed", "hotspot", "hilink", "mifi", "stick", "dongle", "tether"),
    ),
    # A configuration or mode that does not survive a reboot or re-plug.
    Statement(
        "reboot_reverts",
        lazy(
            r"\b(?:after|on|with|upon)\s+(?:each|every|a|the|any)?\s*(?:device\s+|router\s+|system\s+|modem\s+)?(?:re-?boot|restart|power[- ]?cycle|re-?plug)s?\b.{0,80}?"
            r"\b(?:switch(?:es|ed)?\s+back|revert(?:s|ed)?|goes\s+back|went\s+back|back\s+to\b|is\s+lost|gets\s+lost|reset(?:s)?\s+(?:to|back)|lost)"
            r"|\b(?:switch(?:es|ed)?\s+back|revert(?:s|ed)?|goes\s+back|resets?\s+(?:to|back))\b.{0,60}?\b(?:after|on|with|upon)\s+(?:each|every|a|the|any)?\s*(?:device\s+|router\s+|system\s+)?(?:re-?boot|restart|power[- ]?cycle)",
            re.IGNORECASE,
        ),
        _const("yes"),
        ("boot", "restart", "power", "plug"),
    ),
)

# 'I have installed X', 'X has already been installed', 'X is installed', 'installed X and Y'
_INSTALLED = lazy(r"\binstall(?:ed|ing)?\b", re.IGNORECASE)
_NOT_DONE = lazy(
    r"\b(?:need(?:s|ed)?\s+to|have\s+to|must|should|will|would|could|can|try(?:ing)?\s+to|want\s+to|how\s+(?:do\s+I\s+|to\s+)|please|"
    r"not|never|n't|cannot|unable|failed|fails|couldn't|wasn't|isn't|aren't|missing|instead\s+of)\b|\?",
    re.IGNORECASE,
)


def _clauses(text: str) -> List[str]:
    """Split a line into clauses so that negations and modal verbs stay local."""
    return [part for part in re.split(r"(?<=[.;!?])\s+|\s+but\s+|\s+however\s+|,\s+(?=then\b|so\b)", text) if part.strip()]


def _package_facts(line: Line, source: str) -> List[StatedFact]:
    facts: List[StatedFact] = []
    for clause in _clauses(line.text):
        if not re.search(r"\binstalled\b", clause, re.IGNORECASE):
            continue  # 'install X' is advice or a plan, not a statement that it is there
        if _NOT_DONE.search(clause):
            continue
        for match in _PACKAGE_RE.finditer(clause):
            facts.append(StatedFact("package_installed", match.group(1), line.number, line.text, source))
    return facts


def _model_facts(line: Line, source: str) -> List[StatedFact]:
    facts: List[StatedFact] = []
    for match in _MODEL.finditer(line.text):
        token = match.group(1)
        # 'E392' and friends are also plain numbers in prose; require upper case letters as written.
        if not re.search(r"[A-Z]", token[:2]):
            continue
        facts.append(StatedFact("modem_model", token, line.number, line.text, source))
    return facts


# Routers users name in words, read as the OpenWrt board name ('vendor,model' as
# ``ubus call system board`` reports it; the Image Builder profile is the same with '_').
# From the DEVICE_MODEL / DEVICE_VARIANT of OpenWrt's target/linux/*/image/*.mk. Only
# names that say the variant are read: 'WE826-T2' is not an OpenWrt device, so no guess.
ROUTERS: Tuple[Tuple[Pattern[str], str], ...] = tuple(
    (lazy(pattern, re.IGNORECASE), board)
    for pattern, board in (
        (r"\b(?:ZBT[- ]?)?WE[- ]?826[- ]?16M\b", "zbtlink,zbt-we826-16m"),  # ramips/mt7620
        (r"\b(?:ZBT[- ]?)?WE[- ]?826[- ]?32M\b", "zbtlink,zbt-we826-32m"),  # ramips/mt7620
        (r"\b(?:ZBT[- ]?)?WE[- ]?826[- ]E\b", "zbtlink,zbt-we826-e"),  # ramips/mt7620
        (r"\bZBT[- ]?WE[- ]?1326\b", "zbtlink,zbt-we1326"),  # ramips/mt7621
        (r"\b(?:ZBT[- ]?)?WG[- ]?3526[- ]?16M\b", "zbtlink,zbt-wg3526-16m"),  # ramips/mt7621
        (r"\b(?:ZBT[- ]?)?WG[- ]?3526[- ]?32M\b", "zbtlink,zbt-wg3526-32m"),  # ramips/mt7621
        (r"\bZTE\s+MF286D\b", "zte,mf286d"),  # ipq40xx/generic
        (r"\bZTE\s+MF289F\b", "zte,mf289f"),  # ipq40xx/generic
    )
)


# What every name in ROUTERS contains: lines without it skip the table.
_ROUTER_HINT = lazy(r"w[eg][- ]?(?:826|1326|3526)|zte\s+mf", re.IGNORECASE)


def _router_facts(line: Line, source: str) -> List[StatedFact]:
    facts: List[StatedFact] = []
    if not _ROUTER_HINT.search(line.text):
        return facts
    for pattern, board in ROUTERS:
        if pattern.search(line.text):
            facts.append(StatedFact("router_model", board, line.number, line.text, source))
    return facts


_DIGIT = re.compile(r"[0-9]")


def extract_statements(lines: Sequence[Line], source: str = "") -> Tuple[StatedFact, ...]:
    """Every stated fact in ``lines`` (prose lines of a paste), in line order."""
    facts: List[StatedFact] = []
    for line in lines:
        text = line.text
        if len(text) > 4096 or not text.strip():
            continue
        lowered = text.lower()
        if _DIGIT.search(text) or (not text.isascii() and any(char.isdigit() for char in text)):
            facts.extend(_model_facts(line, source))
            facts.extend(_router_facts(line, source))
        contains = lowered.__contains__
        for statement in STATEMENTS:
            if not any(map(contains, statement.words)):
                continue  # none of the words the pattern needs: skip it cheaply
            if statement.hedge is not None and statement.hedge.search(text):
                continue
            for match in statement.pattern.finditer(text):
                value = statement.value(match)
                if value:
                    facts.append(StatedFact(statement.kind, value, line.number, text, source))
        if (not text.isascii() or "install" in lowered) and _INSTALLED.search(text):
            facts.extend(_package_facts(line, source))
    seen = set()
    unique: List[StatedFact] = []
    for fact in facts:
        key = (fact.kind, fact.value.lower(), fact.line)
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    return tuple(unique)
