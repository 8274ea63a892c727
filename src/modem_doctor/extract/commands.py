"""Shell commands in pasted text: prompts, bare command lines, and what kind of output
each command prints.

A paste shows commands in three ways: after a full prompt (``root@OpenWrt:~# dmesg``),
after a bare ``#`` or ``$`` (``# dmesg | grep cdc_ether``), or alone on a line just before
its output (``cat /sys/kernel/debug/usb/devices``). A full prompt is unambiguous; the other
two are accepted only when the line has the shape of a command we know, because forum
prose mentions commands all the time ("Please run dmesg | grep cdc_ether").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Pattern, Tuple

from ._lazy import lazy

# user@host:path# or user@host:path$ (OpenWrt's ash, bash), and [user@host path]# (RHEL).
# '[email protected]' is what Cloudflare's e-mail obfuscation makes of 'root@OpenWrt' on
# scraped forum pages.
_FULL_PROMPT = lazy(
    r"^\s*(?:\([^)]{1,40}\)\s*)?"
    r"(?:(?:[\w.-]{1,64}@[\w.-]{1,64}|\[email\s?protected\])(?::[^\s#$]{0,200})?\s?|\[[\w.-]{1,64}@[\w.-]{1,64}[^\]]{0,200}\]\s?)"
    r"[#$%>]\s?(?P<command>.*)$"
)
# A bare '#', '$' or '~ #' before a command ('# dmesg | grep cdc_ether', '$ lsusb -t').
_BARE_PROMPT = lazy(r"^\s*(?:~\s*)?[#$]\s+(?P<command>\S.*)$")
# A full prompt glued to the end of output that had no final newline.
# Only the usual user names: any other word before '@' could be part of the output.
_GLUED_PROMPT = lazy(r"(?<=\S)(?=(?:root|admin)@[\w.-]{1,64}:[^\s#$]{0,200}\s?[#$](?:\s|$))")

# Programs whose bare command lines we accept, with the shape their arguments must have.
# The shapes are deliberately narrow: a sentence that starts with a program name must not
# pass for a command.
_OPTS = r"(?:\s+-{1,2}[\w-]+(?:=\S+)?)*"
_PIPE = r"(?:\s*\|.*)?"
_PATHS = r"(?:\s+[/~][^\s|;]*)+"
# ubus's own options before the command: -S (compact output), -v, -t <timeout>, -s <socket>
_UBUS_OPTS = r"(?:\s+-[SvV]+|\s+-[tsmM]\s+\S+)*"
_BARE_SHAPES: Tuple[Pattern[str], ...] = tuple(
    lazy(shape + r"\s*$")
    for shape in (
        r"(?:dmesg|logread|lsusb|usb-devices|lsmod|lspci|uname|reboot|mmcli|free|uptime|df|ps)" + _OPTS + _PIPE,
        r"cat" + _PATHS + _PIPE,
        r"(?:ls|tail|head|grep\s+\S+|find)" + _OPTS + _PATHS + r"?" + _PIPE,
        r"ip" + _OPTS + r"\s+(?:a|ad|addr|address|l|li|link|r|ro|route|n|neigh)(?:\s+(?:show|list|ls|dev|table)|\s+[\w.@-]+){0,3}" + _PIPE,
        r"ifconfig(?:\s+-a|\s+[\w.@-]+)?" + _PIPE,
        r"ifstatus\s+[\w.-]+" + _PIPE,
        r"(?:ifup|ifdown)\s+[\w.-]+",
        r"echo\s+\S+\s*>{1,2}\s*/\S+",
        r"opkg\s+(?:update|upgrade|install|remove|list|list-installed|list_installed|list-upgradable|info|find|files|whatdepends|depends)(?:\s+\S+)*" + _PIPE,
        r"apk\s+(?:add|del|update|upgrade|list|info|search|fix)(?:\s+\S+)*" + _PIPE,
        r"uci(?:\s+-\w+(?:\s+/\S+)?)*\s+(?:show|export|get|set|add|add_list|del_list|delete|commit|revert|changes|batch|rename|reorder)(?:\s+\S+)*" + _PIPE,
        r"ubus" + _UBUS_OPTS + r"\s+(?:call|list)\s+\S+(?:\s+\S+)*" + _PIPE,
        # 'route -n', 'route -A inet6 -n': options needed, 'route' alone is a word in prose
        r"route(?:\s+(?:-[\w-]+|inet6?))+" + _PIPE,
        r"(?:modprobe|insmod|rmmod|modinfo)\s+[\w-]+(?:\s+\S+=\S+)*",
        r"(?:usbmode|usb_modeswitch)(?:\s+\S+)+",
        r"(?:qmicli|uqmi|umbim|mbimcli|sms_tool|comgt|gcom|picocom|minicom|atinout|socat)(?:\s+\S+)+" + _PIPE,
        r"/etc/init\.d/[\w.-]+\s+(?:start|stop|restart|reload|enable|disable|status)",
        r"(?:service)\s+[\w.-]+\s+(?:start|stop|restart|reload|enable|disable|status)",
        r"(?:sysupgrade|firstboot|wifi|ping|traceroute|nslookup)(?:\s+\S+)*",
        r"(?:journalctl|systemctl|lsblk|usb_modeswitch)(?:\s+\S+)*" + _PIPE,
        # an in-place edit of a config file: 'sed -i s/192.168.1.1/192.168.1.8/ /etc/config/network'
        r"sed(?:\s+-\w+)*\s+['\"]?s([/|#,]).*\1.*\1\w*['\"]?" + _PATHS,
    )
)
# First words of the shapes above, checked before any pattern (cheap).
_PROGRAMS = frozenset(
    "dmesg logread lsusb usb-devices lsmod lspci uname reboot mmcli free uptime df ps cat ls tail "
    "head grep find ip ifconfig ifstatus ifup ifdown echo opkg apk uci ubus modprobe insmod rmmod "
    "modinfo usbmode usb_modeswitch qmicli uqmi umbim mbimcli sms_tool comgt gcom picocom minicom "
    "atinout socat service sysupgrade firstboot wifi ping traceroute nslookup journalctl systemctl "
    "lsblk sed route".split()
)
# Words that show a line is a sentence, not a command ("opkg install is not working").
_STOPWORDS = frozenset(
    "an and are but did does doesnt don't doesn't for from has have if is isn't it "
    "it's my not of on or so that the then this to was what when which why will with you your".split()
)


@dataclass(frozen=True)
class CommandLine:
    """A line read as a command: its text and whether a prompt was shown."""

    text: str
    prompt_shown: bool


def split_glued_prompt(text: str) -> Tuple[str, ...]:
    """Split 'last output line' + 'root@OpenWrt:~# next command' into two lines."""
    if ("root@" not in text and "admin@" not in text) or ("#" not in text and "$" not in text):
        return (text,)
    cuts = [match.start() for match in _GLUED_PROMPT.finditer(text) if text[: match.start()].strip()]
    if not cuts:
        return (text,)
    bounds = [0] + cuts + [len(text)]
    return tuple(text[start:end] for start, end in zip(bounds, bounds[1:]) if text[start:end])


def read_prompt(text: str) -> Optional[CommandLine]:
    """The command after a shell prompt on this line, else None.

    A prompt with nothing after it, or only '^C', gives a CommandLine with empty text:
    it still ends the block before it.
    """
    if len(text) > 2000:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    if "@" in stripped or "[email" in stripped:
        match = _FULL_PROMPT.match(stripped)
        if match:
            command = match.group("command").strip()
            if command in ("^C", "^D"):
                command = ""
            return CommandLine(command, True)
    if stripped[0] in "#$~":
        match = _BARE_PROMPT.match(stripped)
        if match and is_command_shape(match.group("command")):
            return CommandLine(match.group("command").strip(), True)
    return None


def read_bare(text: str) -> Optional[CommandLine]:
    """The command on a line that shows no prompt, when the line has a command's shape."""
    stripped = text.strip()
    if stripped and len(stripped) <= 300 and is_command_shape(stripped):
        return CommandLine(stripped, False)
    return None


def read_command(text: str) -> Optional[CommandLine]:
    """The command on this line, with or without a prompt, else None."""
    return read_prompt(text) or read_bare(text)


def is_command_shape(text: str) -> bool:
    """True when ``text`` has the shape of a command we know (see ``_BARE_SHAPES``)."""
    candidate = text.strip()
    if candidate.startswith("sudo "):
        candidate = candidate[5:].lstrip()
    if not candidate or len(candidate) > 300:
        return False
    program = candidate.split(None, 1)[0]
    if program not in _PROGRAMS and not program.startswith("/etc/init.d/"):
        return False
    head = re.sub(r"'[^']*'|\"[^\"]*\"", " ", candidate.split("|", 1)[0])
    # Options and paths are not words ('-i', '/usr/lib/os-release').
    words = [token for token in head.split() if token[0] not in "-/~."]
    if any(word.lower() in _STOPWORDS for word in words):
        return False
    return any(shape.match(candidate) for shape in _shapes_for(program))


_SHAPES_BY_PROGRAM: Dict[str, Tuple[Pattern[str], ...]] = {}
_SHAPE_PROGRAM = re.compile(r"[\w/.-]+")


def _shapes_for(program: str) -> Tuple[Pattern[str], ...]:
    """The shapes a command line starting with the word ``program`` can match: those
    whose leading alternatives name it (each shape is compiled when first needed)."""
    shapes = _SHAPES_BY_PROGRAM.get(program)
    if shapes is None:
        if program.startswith("/etc/init.d/"):
            program = "/etc/init.d/"
            shapes = _SHAPES_BY_PROGRAM.get(program)
        if shapes is None:
            if program == "/etc/init.d/":
                shapes = tuple(shape for shape in _BARE_SHAPES if shape.pattern.startswith("/etc/init"))
            else:
                shapes = tuple(shape for shape in _BARE_SHAPES if program in _leading_words(shape.pattern))
            _SHAPES_BY_PROGRAM[program] = shapes
    return shapes


def _leading_words(pattern: str) -> Tuple[str, ...]:
    """The words a shape begins with: 'ip' for r'ip...', each of r'(?:ls|tail|grep ...)'."""
    if pattern.startswith("(?:"):
        group = pattern[3 : pattern.index(")")]
        return tuple(_SHAPE_PROGRAM.match(word).group(0) for word in group.split("|"))  # type: ignore[union-attr]
    return (_SHAPE_PROGRAM.match(pattern).group(0),)  # type: ignore[union-attr]


# The first program of a pipeline (after sudo) decides what the output is.
_KIND_BY_COMMAND: Tuple[Tuple[str, Pattern[str]], ...] = tuple(
    (kind, lazy(pattern))
    for kind, pattern in (
        ("usb_debugfs", r"^(?:cat|more|less|tail|head)\s+(?:-\S+\s+)*\S*/(?:sys/kernel/debug/usb|proc/bus/usb)/devices\b"),
        ("usb_devices", r"^usb-devices\b"),
        ("lsusb_tree", r"^lsusb\b.*(?:\s-\w*t\w*\b|--tree)"),
        ("lsusb_verbose", r"^lsusb\b.*(?:\s-\w*v\w*\b|--verbose)"),
        ("lsusb", r"^lsusb\b"),
        ("dmesg", r"^dmesg\b"),
        ("logread", r"^(?:logread|journalctl)\b|^(?:cat|tail|grep\s+\S+)\s+(?:-\S+\s+)*/var/log/(?:messages|syslog|kern\.log)"),
        ("opkg_list", r"^opkg\s+(?:list-installed|list_installed)\b"),
        ("opkg_errors", r"^opkg\s+(?:update|install|upgrade)\b|^apk\s+(?:add|update|upgrade|fix)\b"),
        ("apk_list", r"^apk\s+list\b"),
        ("uci_config", r"^(?:cat|more)\s+/etc/config/\S+|^uci\s+(?:-\S+\s+)*export\b"),
        ("uci_show", r"^uci\s+(?:-\S+\s+)*show\b"),
        ("openwrt_release", r"^(?:cat|more)\s+/etc/(?:openwrt_release|os-release)\b|^(?:cat|more)\s+/usr/lib/os-release\b"),
        ("ubus_board", r"^ubus\s+call\s+system\s+board\b"),
        ("uname", r"^uname\b|^cat\s+/proc/version\b"),
        ("ip_addr", r"^ip\s+(?:-\S+\s+)*(?:a|ad|addr|address|l|li|link)\b"),
        ("ip_route", r"^ip\s+(?:-\S+\s+)*(?:r|ro|route)\b|^route(?:\s+(?:-[\w-]+|inet6?))*\s*$"),
        ("ifconfig", r"^ifconfig\b"),
        ("ifstatus", r"^ifstatus\s+\S+|^ubus\s+call\s+network\.interface(?:\.\S+)?\s+status\b|^ubus\s+call\s+network\.interface\s+dump\b"),
        ("ls_dev", r"^ls\b.*\s/(?:dev|sys/class/net|sys/class/tty|sys/bus/usb)"),
        ("qmicli", r"^qmicli\b"),
        ("mbimcli", r"^mbimcli\b"),
        ("uqmi", r"^uqmi\b"),
        ("ping", r"^(?:[A-Z_]+=\S*\s+)*(?:busybox\s+)?ping6?\b"),  # 'LANG=C ping -I wwan0 ...'
        ("nslookup", r"^(?:[A-Z_]+=\S*\s+)*(?:busybox\s+)?nslookup\b"),
        ("qmi_raw_ip", r"^(?:cat|head|tail|grep\s+\S+)\s+(?:-\S+\s+)*\S*/sys/class/net/\S+/qmi/raw_ip\b"),
        ("mmcli", r"^mmcli\b.*(?:\s-m\s*\S+|\s--modem[= ]\S+|\s-b\s*\S+|\s--bearer[= ]\S+)"),
        ("at_transcript", r"^(?:picocom|minicom|microcom|atinout|sms_tool|socat)\b|^(?:echo|printf)\s.*\bAT"),
    )
)


_UBUS_OPTIONS = lazy(r"^ubus" + _UBUS_OPTS + r"(?=\s)")


def kind_for_command(command: str) -> Optional[str]:
    """The kind of output ``command`` prints, when it is one we parse."""
    candidate = command.strip()
    if candidate.startswith("sudo "):
        candidate = candidate[5:].lstrip()
    first = candidate.split("|", 1)[0].strip()
    if first.startswith("ubus ") and " -" in first:
        first = _UBUS_OPTIONS.sub("ubus", first, count=1)  # 'ubus -S call ...' prints what 'ubus call' does
    for kind, pattern in _KIND_BY_COMMAND:
        if pattern.search(first):
            return kind
    return None
