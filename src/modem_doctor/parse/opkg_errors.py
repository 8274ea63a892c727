"""What ``opkg update`` / ``opkg install`` (and ``apk update`` / ``apk add``) printed.

opkg reports progress on plain lines (``Downloading URL``, ``Installing X (V) to root...``)
and problems under ``Collected errors:`` as `` * function: message`` lines; forum pastes
sometimes turn the ``*`` bullets into ``-``. A dependency list can continue on the next
bullet line (`` *      kernel (= 4.14.241-1-<hash>) *``). apk prints ``ERROR:`` and
``WARNING:`` lines with indented details (``kernel-<v>:`` / ``breaks: kmod-x-<v>[kernel=...]``
when a kmod was built for another kernel). Problems become ``PackageProblem`` values;
progress lines become actions and downloads; anything else is unparsed.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.packages import PackageAction, PackageManager, PackageOutput, PackageProblem, ProblemKind
from ._log_common import check_lines, check_text
from .apk_list import split_name_version

KIND = "opkg_errors"
TITLE = "package manager output (opkg update / install, apk add)"

P = ProblemKind
_BULLET = re.compile(r"^\s*[*-]\s+")
_FUNCTION = re.compile(r"^(?P<func>[a-z_]+): (?P<msg>.*)$")
_PKG = r"\*?(?P<pkg>[\w.+-]+?)\*?"  # busybox's opkg-install wraps names in '*'

# opkg 'Collected errors' messages (libopkg), by the function that prints them.
_WGET = re.compile(r"^Failed to download (?P<url>\S+?),? wget returned (?P<code>\d+)\.?$")
_SATISFY = re.compile(rf"^Cannot satisfy the following dependencies for {_PKG}:?$")
_UNRESOLVED = re.compile(rf"^cannot find dependency (?P<dep>.+?) for {_PKG}\.?$")
_INCOMPATIBLE = re.compile(rf"^Packages for {_PKG} found, but incompatible with the architectures configured")
_CANNOT_INSTALL = re.compile(rf"^Cannot install package {_PKG}\.?$")
_NO_SPACE = re.compile(rf"^Only have (?P<have>\S+) available on filesystem (?P<fs>\S+), pkg {_PKG} needs (?P<need>\S+)")
_CLASH = re.compile(rf"^Package {_PKG} wants to install file (?P<file>\S+)")
# 'wfopen: //usr/lib/opkg/info/git.postinst: No space left on device.' (the flash filled up mid-install)
_ENOSPC = re.compile(r"^(?P<what>.*?):? No space left on device\.?$")
_OPKG_INFO = re.compile(r"/usr/lib/opkg/info/(?P<pkg>[\w.+-]+?)\.(?:control|list|conffiles|postinst|preinst|prerm|postrm)\b")
_MALFORMED = re.compile(r"^(?:Malformed package file|Failed to extract control file from) (?P<file>\S+?)\.?$")
_SCRIPT = re.compile(r"^package \"(?P<pkg>[^\"]+)\" (?P<script>\w+) script returned status (?P<code>-?\d+)")
_CONFIGURE = re.compile(rf"^{_PKG}\.(?P<script>postinst|preinst|prerm|postrm) returned (?P<code>-?\d+)")
_PKG_DOWNLOAD = re.compile(rf"^Failed to download {_PKG}\. Perhaps you need to run 'opkg update'\?")

# Plain lines.
_FEED_FAILED = re.compile(r"^\*\*\* Failed to download the (?:package list|signature) from (?P<url>\S+)")
_UNKNOWN = re.compile(r"^Unknown package '(?P<pkg>[^']+)'\.?$")
_NO_ARCH = re.compile(rf"^Package {_PKG} version (?P<ver>\S+) has no valid architecture, ignoring\.?$")
_DOWNLOADING = re.compile(r"^(?:Downloading|Copying|fetch) '?(?P<url>[^'\s]+?)'?\.?$")
_UPDATED = re.compile(r"^Updated list of available packages in (?P<path>\S+?)\.?$")
_INSTALLING = re.compile(rf"^(?:\(\d+/\d+\) )?Installing {_PKG} \((?P<ver>[^)]*)\)(?: to \S+?)?\.*$")
_UPGRADING = re.compile(rf"^(?:\(\d+/\d+\) )?Upgrading {_PKG} (?:on \S+ from (?P<old>\S+) to (?P<ver>\S+?)|\((?P<ver2>[^)]*)\))\.*$")
_CONFIGURING = re.compile(rf"^Configuring {_PKG}\.?$")
_UP_TO_DATE = re.compile(rf"^Package {_PKG} \((?P<ver>[^)]*)\) installed in \S+ is up to date\.?$")
_REMOVING = re.compile(rf"^(?:\(\d+/\d+\) )?(?:Removing|Purging) (?:package )?{_PKG}(?: \((?P<ver>[^)]*)\))?(?: from \S+)?\.*$")
_NETWORK = re.compile(
    r"^(?:Failed to establish connection|Failed to send request: .*|Failed to connect to .*|"
    r"Connection reset prematurely|Failed to resolve .*|Failed to redirect .*|"
    r"wget: (?:bad address|can't connect|download timed out).*|"
    r"Download failed\.?|SSL error.*|Connection error: .*)$"
)
_SERVER_ERROR = re.compile(r"^(?:wget: server returned error: |HTTP error )(?P<status>.*)$")
_SIGNATURE_BAD = re.compile(r"^(?:Signature check failed\.?|Remove wrong Signature file\.?)$")
_INFO = re.compile(
    r"^(?:Collected errors:|Signature check passed\.?|No packages installed or removed\.?|"
    r"Multiple packages .* providing same name marked HOLD or PREFER\. Using latest\.|"
    r"Not downgrading package .*|Writing .*|Package .* was already .*|OK: .*|"
    r"Executing .*|Inflating .*|Installing package '.*' from .*|Nothing to do\.?)$"
)

# apk (apk-tools 3) lines.
_APK_ERROR = re.compile(r"^ERROR: (?P<msg>.*)$")
_APK_WARNING = re.compile(r"^WARNING: (?P<msg>.*)$")
_APK_NO_SUCH = re.compile(rf"^{_PKG} \(no such package\):?$")
_APK_HEADING = re.compile(r"^(?P<token>[a-z0-9][\w.+~-]*):$")  # '  kernel-6.12.87~<hash>-r1:'
_APK_CONSTRAINT = re.compile(r"(?P<token>[a-z0-9][\w.+~-]*)\[(?P<constraint>[^\]]*)\]")
_APK_DETAIL = re.compile(r"^(?P<key>required by|satisfies|breaks|conflicts|picked|provided by|masked in): ?(?P<value>.*)$")
_APK_NETWORK = re.compile(r"^updating and opening (?P<url>\S+?): network error")
_APK_UNTRUSTED = re.compile(r"^(?P<what>\S+?): UNTRUSTED signature")
_URL = re.compile(r"(?:https?|ftp|file)://\S+")


class _Reader:
    """Walks the lines; remembers the package whose dependency list may continue."""

    def __init__(self) -> None:
        self.problems: List[PackageProblem] = []
        self.actions: List[PackageAction] = []
        self.feeds: List[str] = []
        self.downloads: List[str] = []
        self.unparsed = UnparsedCollector()
        self.apk = False
        self.satisfy_for = ""  # package of the last 'Cannot satisfy ... for X:'
        self.satisfy_line: Optional[Line] = None
        self.satisfy_count = 0
        self.apk_heading = ""  # package token of the last apk 'unable to select' heading

    def problem(self, line: Line, kind: ProblemKind, package: str, detail: str, **extra: str) -> None:
        self.problems.append(PackageProblem(kind, package, detail, line.number, line.text, **extra))

    def end_satisfy(self) -> None:
        """A 'Cannot satisfy' header with no dependency lines after it still is a problem."""
        if self.satisfy_for and self.satisfy_count == 0 and self.satisfy_line is not None:
            self.problem(self.satisfy_line, P.UNSATISFIED_DEPENDENCY, self.satisfy_for, "unsatisfied dependencies")
        self.satisfy_for, self.satisfy_line, self.satisfy_count = "", None, 0

    def read(self, line: Line) -> None:
        text = line.text.strip()
        bullet = _BULLET.match(line.text)
        if bullet and not text.startswith("***"):
            self.read_bullet(line, line.text[bullet.end() :].strip())
            return
        self.end_satisfy()
        if not self.read_plain(line, text) and not self.read_apk(line, text):
            self.unparsed.add(line, "not package manager output")

    def read_bullet(self, line: Line, body: str) -> None:
        function = _FUNCTION.match(body)
        if function is None:
            if self.satisfy_for:
                self.read_dependencies(line, body)
                return
            self.unparsed.add(line, "not an opkg error line")
            return
        self.end_satisfy()
        func, message = function.group("func"), function.group("msg").strip()
        if not self.read_function(line, func, message):
            self.problem(line, P.OTHER, "", f"{func}: {message}")

    def read_dependencies(self, line: Line, body: str) -> None:
        # ' *      kernel (= 4.9.87-1-<hash>) * \tkernel (= ...) *' : '*'-separated, often repeated
        seen = set()
        for part in body.replace("\\*", "*").split("*"):
            dependency = " ".join(part.split())
            if not dependency or dependency in seen:
                continue
            seen.add(dependency)
            self.satisfy_count += 1
            kind = P.KERNEL_MISMATCH if dependency.startswith("kernel ") else P.UNSATISFIED_DEPENDENCY
            self.problem(line, kind, self.satisfy_for, dependency, dependency=dependency)
        if not seen:
            self.unparsed.add(line, "empty dependency line")

    def read_function(self, line: Line, func: str, message: str) -> bool:
        match = _WGET.match(message)
        if match:
            code = match.group("code")
            # wget exit status 4 is a network failure: the router cannot reach the feed at all
            kind = P.NETWORK_ERROR if code == "4" else P.DOWNLOAD_FAILED
            self.problem(line, kind, "", f"wget returned {code}", url=match.group("url"))
            return True
        match = _SATISFY.match(message)
        if match:
            self.satisfy_for, self.satisfy_line, self.satisfy_count = match.group("pkg"), line, 0
            return True
        match = _UNRESOLVED.match(message)
        if match:
            dependency = " ".join(match.group("dep").split())
            kind = P.KERNEL_MISMATCH if dependency.startswith("kernel ") else P.UNSATISFIED_DEPENDENCY
            self.problem(line, kind, match.group("pkg"), dependency, dependency=dependency)
            return True
        match = _INCOMPATIBLE.match(message)
        if match:
            self.problem(line, P.ARCH_INCOMPATIBLE, match.group("pkg"), "incompatible with the architectures configured")
            return True
        match = _CANNOT_INSTALL.match(message)
        if match:
            self.problem(line, P.INSTALL_FAILED, match.group("pkg"), "cannot install package")
            return True
        match = _PKG_DOWNLOAD.match(message)
        if match:
            self.problem(line, P.DOWNLOAD_FAILED, match.group("pkg"), "package download failed; feed lists may be stale")
            return True
        match = _NO_SPACE.match(message)
        if match:
            detail = f"{match.group('fs')} has {match.group('have')}, needs {match.group('need')}"
            self.problem(line, P.NO_SPACE, match.group("pkg"), detail)
            return True
        match = _ENOSPC.match(message)
        if match:
            info = _OPKG_INFO.search(match.group("what"))
            self.problem(line, P.NO_SPACE, info.group("pkg") if info else "", f"{func}: no space left on device")
            return True
        match = _CLASH.match(message)
        if match:
            self.problem(line, P.FILE_CLASH, match.group("pkg"), match.group("file"))
            return True
        match = _MALFORMED.match(message)
        if match:
            path = match.group("file")
            name = path.rsplit("/", 1)[-1].split("_", 1)[0]
            self.problem(line, P.MALFORMED_PACKAGE, name, path)
            return True
        match = _SCRIPT.match(message) or _CONFIGURE.match(message)
        if match:
            detail = f"{match.group('script')} returned {match.group('code')}"
            self.problem(line, P.SCRIPT_FAILED, match.group("pkg"), detail)
            return True
        if func == "opkg_download" or "Failed to download" in message:
            url = _URL.search(message)
            self.problem(line, P.DOWNLOAD_FAILED, "", message, url=url.group(0).rstrip(".,") if url else "")
            return True
        return False

    def read_plain(self, line: Line, text: str) -> bool:
        match = _FEED_FAILED.match(text)
        if match:
            what = "signature" if "signature" in text[:40] else "package list"
            self.problem(line, P.DOWNLOAD_FAILED, "", f"{what} download failed", url=match.group("url"))
            return True
        match = _UNKNOWN.match(text)
        if match:
            self.problem(line, P.UNKNOWN_PACKAGE, match.group("pkg").strip("*"), "unknown package")
            return True
        match = _NO_ARCH.match(text)
        if match:
            self.problem(line, P.ARCH_INCOMPATIBLE, match.group("pkg"), f"version {match.group('ver')} has no valid architecture")
            return True
        if _NETWORK.match(text):
            url = _URL.search(text)
            self.problem(line, P.NETWORK_ERROR, "", text, url=url.group(0) if url else "")
            return True
        match = _SERVER_ERROR.match(text)
        if match:
            self.problem(line, P.DOWNLOAD_FAILED, "", f"server returned {match.group('status')}")
            return True
        if _SIGNATURE_BAD.match(text):
            self.problem(line, P.SIGNATURE_FAILED, "", text)
            return True
        match = _DOWNLOADING.match(text)
        if match:
            self.downloads.append(match.group("url"))
            return True
        match = _UPDATED.match(text)
        if match:
            self.feeds.append(match.group("path").rstrip("/").rsplit("/", 1)[-1])
            return True
        for pattern, action in (
            (_INSTALLING, "installing"),
            (_UPGRADING, "upgrading"),
            (_CONFIGURING, "configuring"),
            (_UP_TO_DATE, "up_to_date"),
            (_REMOVING, "removing"),
        ):
            match = pattern.match(text)
            if match:
                groups = match.groupdict()
                version = groups.get("ver") or groups.get("ver2") or ""
                self.actions.append(PackageAction(action, match.group("pkg"), version, line.number))
                if text.startswith("("):
                    self.apk = True
                return True
        return bool(_INFO.match(text))

    def read_breaks(self, line: Line, value: str) -> None:
        """'breaks: kmod-x-6.12.85-r1[kernel=6.12.85~<hash>-r1]' under a 'kernel-...:' heading:
        the installed kernel rejects a kmod built for another kernel."""
        heading = _apk_name(self.apk_heading)
        for match in _APK_CONSTRAINT.finditer(value):
            package, constraint = _apk_name(match.group("token")), match.group("constraint")
            kernel = heading == "kernel" or constraint.startswith("kernel")
            kind = P.KERNEL_MISMATCH if kernel else P.UNSATISFIED_DEPENDENCY
            detail = f"{self.apk_heading} breaks {match.group('token')}"
            self.problem(line, kind, package, detail, dependency=constraint)

    def read_apk(self, line: Line, text: str) -> bool:
        match = _APK_ERROR.match(text) or _APK_WARNING.match(text)
        if match:
            self.apk = True
            message = match.group("msg")
            network = _APK_NETWORK.match(message)
            if network:
                self.problem(line, P.NETWORK_ERROR, "", message, url=network.group("url"))
                return True
            untrusted = _APK_UNTRUSTED.match(message)
            if untrusted:
                self.problem(line, P.SIGNATURE_FAILED, "", message, url=untrusted.group("what"))
                return True
            if message.rstrip(":") == "unable to select packages":
                return True
            if text.startswith("ERROR"):
                self.problem(line, P.OTHER, "", message)
            return True
        match = _APK_NO_SUCH.match(text)
        if match:
            self.apk = True
            self.problem(line, P.UNKNOWN_PACKAGE, match.group("pkg"), "no such package")
            return True
        match = _APK_HEADING.match(text)
        if match and self.apk:
            self.apk_heading = match.group("token")
            return True
        match = _APK_DETAIL.match(text)
        if match and match.group("key") == "breaks" and self.apk_heading:
            self.read_breaks(line, match.group("value"))
            return True
        if match and match.group("key") == "satisfies":
            return True
        if self.apk_heading and _APK_CONSTRAINT.match(text) and all(
            _APK_CONSTRAINT.fullmatch(word) for word in text.split()
        ):
            return True  # a continuation of 'satisfies:'
        if match and self.problems:
            last = self.problems[-1]
            detail = f"{last.detail}; {match.group('key')}: {match.group('value')}"
            self.problems[-1] = dataclasses.replace(last, detail=detail)
            return True
        return False


def _apk_name(token: str) -> str:
    split = split_name_version(token)
    return split[0] if split else token


def parse_lines(lines: Sequence[Line]) -> Parsed[PackageOutput]:
    lines = check_lines(KIND, lines)
    reader = _Reader()
    for line in lines:
        if not line.text.strip():
            reader.end_satisfy()
            continue
        reader.read(line)
    reader.end_satisfy()
    first, last = line_span(lines)
    value = PackageOutput(
        manager=PackageManager.APK if reader.apk else PackageManager.OPKG,
        problems=tuple(reader.problems),
        actions=tuple(reader.actions),
        feeds_updated=tuple(reader.feeds),
        downloads=tuple(reader.downloads),
    )
    return Parsed(kind=KIND, value=value, unparsed=reader.unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[PackageOutput]:
    return parse_lines(number_lines(check_text(KIND, text)))
