"""Paste extraction: find every block of known output in arbitrary text.

Users paste what they ran into forum posts, mails and chats, mixed with prose and
damaged on the way: prompts, collapsed spaces, no blank line between outputs, mail
quoting ('> ', '>> '), lines wrapped by a mail client, CRLF. ``extract`` reads such text
line by line and returns each block with its kind, the original line numbers, the
repaired lines (unquoted, re-joined, each keeping the number of the line it started on)
and the command that produced it when the paste shows one. It also returns every shell
command shown, and what the user states in words (see ``statements``).

A file that is a single raw output (not a paste) comes back as one block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Set, Tuple

from ..errors import InputError
from ..model.common import Line
from ..model.host import ShellCommand, StatedFact
from ._lazy import lazy
from .commands import kind_for_command, read_bare, read_prompt, split_glued_prompt
from .signatures import BY_KIND, PROSE, BlockState, JsonSignature, Signature, first_start
from .statements import extract_statements

__all__ = ["Block", "Extraction", "extract", "repair_lines"]

# Lines longer than this are never output we parse (and would make patterns slow).
MAX_LINE = 4096
# A piece of a wrapped line is at least this long (shorter lines were not wrapped).
_WRAP_MIN = 20
# Text whose longest line with a space in it is longer than this was not wrapped by a
# mail client (which wraps at 72-80 columns); only explicit soft breaks are joined then.
_WRAP_MAX = 100
_WRAP_LEAST = 72

_SPACES: Dict[int, Optional[str]] = {ord(char): " " for char in "\u00a0\u2007\u202f\u2002\u2003\u2009\t"}
_SPACES.update({ord(char): None for char in "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"})
_QUOTE = lazy(r"^ {0,3}(?:>[ \t]?)+")


@dataclass(frozen=True)
class Block:
    """One recognised output in the text."""

    kind: str  # parser kind (a key of parse.PARSERS)
    first_line: int  # original line numbers of the first and last output line
    last_line: int
    lines: Tuple[Line, ...]  # repaired lines with their original numbers
    command: Optional[str] = None  # the command shown just before, if any
    command_line: int = 0
    prompt_shown: bool = False
    by_command: bool = False  # the kind was told by the command, not only by the content
    command_text: str = ""  # the whole line that showed the command (prompt included)


@dataclass(frozen=True)
class Extraction:
    source: str
    blocks: Tuple[Block, ...] = ()
    commands: Tuple[ShellCommand, ...] = ()
    facts: Tuple[StatedFact, ...] = ()
    prose: Tuple[Line, ...] = ()  # lines outside blocks that are not commands
    line_count: int = 0


def repair_lines(text: str) -> Iterator[Line]:
    """Number the lines of ``text`` and undo the damage that applies to every line:
    odd spaces (no-break, zero-width, tabs), trailing blanks, mail quoting, and a prompt
    glued to the end of an output line (split into two lines with the same number)."""
    for number, raw in enumerate(text.splitlines(), 1):
        if len(raw) > MAX_LINE:
            cleaned = raw
        elif raw.isascii():
            cleaned = raw.replace("\t", " ").rstrip() if "\t" in raw else raw.rstrip()
        else:
            cleaned = raw.translate(_SPACES).rstrip()
        if "&" in cleaned and ";" in cleaned:
            cleaned = _unescape(cleaned)
        if cleaned[:4].lstrip(" ").startswith(">"):
            cleaned = _QUOTE.sub("", cleaned, count=1)
        if "`" in cleaned or "[" in cleaned:
            cleaned = _unmark(cleaned)
        if "<" in cleaned or "**" in cleaned:
            cleaned = _unbold(cleaned)
        if ("root@" in cleaned or "admin@" in cleaned) and len(cleaned) <= MAX_LINE:
            for part in split_glued_prompt(cleaned):
                yield Line(number, part)
        else:
            yield Line(number, cleaned)


_GREP_PREFIX = lazy(r"/[\w./@+-]{1,300}:(?:\d{1,9}:)?(?=\S)")
_FENCE = lazy(
    r"^\s*(?:```+|~~~+)[\w+.-]*\s*$|^\s*\[/?code(?:=\w+)?\]\s*$|^\s*\[/?quote(?:=[^\]]*)?\]\s*$", re.IGNORECASE
)
# What a page scraped as HTML leaves in pasted commands: 'echo 1 &gt; /sys/...'.
_ENTITIES = (
    ("&gt;", ">"), ("&lt;", "<"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"), ("&nbsp;", " "), ("&amp;", "&"),
)
_CODE_OPEN = lazy(r"^(\s*)(?:```+|\[code(?:=\w+)?\])", re.IGNORECASE)
_CODE_CLOSE = lazy(r"(?:```+|\[/code\])\s*$", re.IGNORECASE)


_HTML_OPEN = lazy(r"^(\s*)(?:<(?:b|i|u|strong|em|code|pre|tt|kbd|samp)>)+", re.IGNORECASE)
_HTML_CLOSE = lazy(r"(?:</(?:b|i|u|strong|em|code|pre|tt|kbd|samp)>|<br\s*/?>)+\s*$", re.IGNORECASE)
# Markdown bold around a line or a part of it ('**root@OpenWrt:~# dmesg**', 'Device  **003: ID ...**');
# never '***' (opkg's '*** Failed to download', '***SIM ERROR***') nor lsusb's '** UNRECOGNIZED'.
_BOLD = lazy(r"(?<![*\w])\*\*(?=\S)([^*]*?\S)\*\*(?![*\w])")


def _unbold(text: str) -> str:
    """Remove the emphasis forums and HTML mail put around commands and output."""
    stripped = text.strip()
    if stripped[:1] == "<" or stripped[-1:] == ">":  # tags only count at either end
        text = _HTML_CLOSE.sub("", _HTML_OPEN.sub(r"\1", text))
    if "**" in text and "** UNRECOGNIZED" not in text:
        text = _BOLD.sub(r"\1", text)
    return text


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def _unmark(text: str) -> str:
    """Remove forum markup glued to output: Markdown fences and BBCode [code] tags, and a
    lone backtick opening or closing an inline code span that runs over several lines."""
    if "`" not in text:
        lowered = text.lower()
        if "[code" not in lowered and "[/code" not in lowered and "[quote" not in lowered and "[/quote" not in lowered:
            return text  # a '[' of the output itself ('[ 12.345678]', '[PATCH]')
    if _FENCE.match(text):
        return ""
    text = _CODE_CLOSE.sub("", _CODE_OPEN.sub(r"\1", text))
    if text.count("`") % 2 == 1:
        stripped = text.strip()
        if stripped.startswith("`"):
            text = text.replace("`", "", 1)
        elif stripped.endswith("`"):
            text = text.rstrip()[:-1]
    return text


class _Builder:
    """The extraction state machine; one instance per call of ``extract``."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: List[Block] = []
        self.commands: List[ShellCommand] = []
        self.prose: List[Line] = []
        self.state: Optional[BlockState] = None
        self.lines: List[Line] = []
        self.blank: List[Line] = []
        self.last_segment = 0  # length of the last physical line in the block (wrap repair)
        self.command: Optional[Tuple[str, int, bool, Optional[str]]] = None  # pending command
        self.block_command: Optional[Tuple[str, int, bool, Optional[str]]] = None
        self.command_texts: Dict[int, str] = {}  # line number -> the line that showed a command
        self.raw_lengths: List[int] = [0]
        self.soft_breaks: Set[int] = set()
        self.wrap_width: Optional[int] = None  # the width the text was wrapped at, if it was
        # A wrapped text with no two spaces together anywhere had its spaces squeezed after
        # the wrapping: the pieces are shorter than the width they were cut at.
        self.squeezed = False
        self.next_text = ""  # the line after the one being fed (stripped), in wrapped text
        # In a wrapped text with mail quoting: the lines that carried quote marks ('> '),
        # and the unquoted ones (up to three in a row) between two quoted lines; the number
        # of the line being fed.
        self.quoted: Set[int] = set()
        self.quote_gaps: Set[int] = set()
        self.number = 0

    # --- block life cycle -------------------------------------------------------------

    def open(self, signature: Signature, line: Line, text: str, kind: str, hinted: bool) -> None:
        self.state = BlockState(signature, kind, hinted=hinted)
        self.block_command = self.command
        self.command = None
        self.lines = []
        self.blank = []
        self.add(line, text)

    def add(self, line: Line, text: str) -> None:
        assert self.state is not None
        if self.blank:
            self.lines.extend(self.blank)
            self.state.texts.extend("" for _ in self.blank)
            self.blank = []
        self.lines.append(line)
        self.state.texts.append(text)
        self.state.signature.note(self.state, text)
        if self.wrap_width is not None or self.soft_breaks:  # only wrap repair reads it
            self.last_segment = self.raw_length(line)

    def close(self) -> None:
        state = self.state
        if state is None:
            return
        self.state = None
        command_kind = self.block_command[3] if self.block_command else None
        kind = state.signature.finish(state, command_kind)
        if kind is None:
            self.prose.extend(line for line in self.lines if line.text.strip())
            return
        command = self.block_command
        self.blocks.append(
            Block(
                kind=kind,
                first_line=self.lines[0].number,
                last_line=self.lines[-1].number,
                lines=tuple(self.lines),
                command=command[0] if command else None,
                command_line=command[1] if command else 0,
                prompt_shown=command[2] if command else False,
                by_command=bool(command and command[3] in state.signature.kinds() and state.hinted),
                command_text=self.command_texts.get(command[1], "") if command else "",
            )
        )
        self.lines = []
        self.blank = []

    # --- one line ---------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        self.number = line.number
        text = line.text.strip()
        if text[:1] == "/" and ":" in text:
            line, text = self.without_grep_prefix(line, text)
        if not text:
            if self.state is not None:
                self.blank.append(line)
            return
        if len(text) > MAX_LINE:
            self.close()
            self.command = None
            self.prose.append(line)
            return
        # read_prompt finds nothing in a line without '@' that starts with none of '#$~'
        prompt = read_prompt(line.text) if "@" in text or "[email" in text or text[0] in "#$~" else None
        if prompt is not None:
            self.close()
            self.take_command(line, prompt.text, True)
            return
        state = self.state
        if state is not None and self.blank and state.signature.ends_at_blank(state):
            self.close()
            state = None
        if (
            state is not None
            and not self.blank
            and self.may_continue()
            and not state.signature.strong(state, text)
            and self.continues(state, text)
        ):
            joined = Line(self.lines[-1].number, self.lines[-1].text.rstrip() + " " + text)
            self.lines[-1] = joined
            state.texts[-1] = joined.text.strip()
            self.last_segment = self.raw_length(line)
            return
        if state is not None:
            signature = state.signature
            if signature.accepts(state, text, line.text):
                if signature.restarts(state, text):
                    self.close()
                    self.open(signature, line, text, signature.kind, hinted=False)
                else:
                    self.add(line, text)
                return
        bare = read_bare(line.text)
        if bare is not None:
            self.close()
            self.take_command(line, bare.text, False)
            return
        if self.start(line, text):
            return
        self.close()
        self.command = None
        self.prose.append(line)

    def without_grep_prefix(self, line: Line, text: str) -> Tuple[Line, str]:
        """Drop the 'path:number:' that ``grep -rn`` puts before each matching line, when
        what follows is output we know ('/var/log/messages:56720:Feb 27 06:53:01 ...')."""
        match = _GREP_PREFIX.match(text)
        if not match:
            return line, text
        rest = text[match.end() :]
        state = self.state
        known = (state is not None and state.signature.accepts(state, rest, rest)) or first_start(rest) is not None
        if not known:
            return line, text
        return Line(line.number, rest), rest.strip()

    def take_command(self, line: Line, text: str, prompt_shown: bool) -> None:
        if text:
            self.commands.append(ShellCommand(line.number, text, prompt_shown, self.source))
            self.command_texts[line.number] = line.text
            self.command = (text, line.number, prompt_shown, kind_for_command(text))
        else:
            self.command = None

    def start(self, line: Line, text: str) -> bool:
        """Open a block at ``line`` when the pending command or the content says so."""
        hint = self.command[3] if self.command else None
        if hint is not None and hint in BY_KIND:
            hinted_signature = BY_KIND[hint]
            if hinted_signature.starts_hinted(text):
                self.close()
                kind = hint if hint in hinted_signature.kinds() else hinted_signature.kind
                self.open(hinted_signature, line, text, kind, hinted=True)
                return True
        signature = first_start(text)
        if signature is not None:
            self.close()
            self.open(signature, line, text, signature.kind, hinted=False)
            return True
        return False

    def may_continue(self) -> bool:
        """A cheap check before ``continues``: False when no line can be the rest of the
        block's last one (the text was not wrapped and that line ends no unfinished one)."""
        if self.wrap_width is not None or self.soft_breaks:
            return True
        return bool(self.lines) and self.lines[-1].text.rstrip().endswith(",")

    def continues(self, state: BlockState, text: str) -> bool:
        """Is ``text`` the rest of the block's last line, cut by a mail client's wrapping?

        Greedy wrapping breaks a line only where the next word would not fit, so the
        previous piece is long and the first word here would have overflowed it."""
        if isinstance(state.signature, JsonSignature) or not self.lines:
            return False
        previous = self.last_segment
        first_word = text.split(None, 1)[0]
        # A continuation is itself at most one line's width, unless it is one long word.
        last = self.lines[-1]
        # A line left unfinished: format=flowed marks soft breaks with a trailing space,
        # and no listing line ends with a comma.
        unfinished = (last.number in self.soft_breaks or last.text.rstrip().endswith(",")
                      or (self.wrap_width is not None and state.signature.unfinished(state, last.text.strip())))
        if not unfinished and self.quoted and self.quote_gap(last.number):
            # quoted, then wrapped: the pieces a client cut off lost their quote marks
            return not (PROSE.match(text) or read_bare(text) is not None)
        if not unfinished:
            width = self.wrap_width
            if width is None or previous < _WRAP_MIN:
                return False
            # Greedy wrapping breaks a line only where the next word would not fit. In a
            # log whose every line starts with a stamp, a line without one is the rest of
            # the line before, even when spaces squeezed since then blur the widths.
            fits = previous + 1 + len(first_word) > width and (len(text) <= width or " " not in text)
            if not fits and not state.signature.prefixed(state) and not self.sandwiched(state, text):
                return False
        if PROSE.match(text) or read_bare(text) is not None:
            return False
        if not unfinished and text.endswith(":") and text[:1].isupper():
            return False  # 'Plugging the modem in:' introduces the next output
        return first_start(text) is None

    def quote_gap(self, last: int) -> bool:
        """Is the line being fed one of a few unquoted lines between the block's quoted
        last line and the next quoted line?"""
        return self.number in self.quote_gaps and last in self.quoted and last < self.number

    def sandwiched(self, state: BlockState, text: str) -> bool:
        """In a text squeezed after wrapping, is ``text`` a piece between two lines of the
        block (the one before, long enough to have been wrapped, and the one after, certainly
        a line of it), which no output or sentence of its own explains?"""
        if not self.squeezed or text.endswith(":") or ": " in text or len(text) > (self.wrap_width or 0):
            return False  # 'label: value' and headings are lines of their own
        following = self.next_text
        return bool(following) and state.signature.strong(state, following)

    def raw_length(self, line: Line) -> int:
        """Length of the physical line as the mail client saw it (quote marks included)."""
        if 0 < line.number < len(self.raw_lengths):
            return max(self.raw_lengths[line.number], len(line.text))
        return len(line.text)

    def joins_wrapped(self, line: Line, following: Line) -> bool:
        """Is ``following`` the rest of ``line``, cut by wrapping, where only the two
        together are output (an apk line cut before its '{origin}', 'Downloading' and
        its URL)? Checked before ``line`` is read, since alone it looks like prose."""
        soft = line.number in self.soft_breaks
        if self.wrap_width is None and not soft and not line.text.endswith("\\"):
            return False  # the common case: an unwrapped text
        text = line.text.strip()
        rest = following.text.strip()
        if not text or not rest or len(text) > MAX_LINE or len(rest) > MAX_LINE:
            return False
        if text.endswith("\\") and (read_prompt(line.text) or read_bare(line.text[:-1])):
            return True  # a command continued on the next line by the shell's backslash
        width = self.wrap_width
        if not soft:
            if width is None or self.raw_length(line) + 1 + len(rest.split(None, 1)[0]) <= width:
                return False
            if self.raw_length(line) < _WRAP_MIN and " " in rest:
                return False
        state = self.state
        if state is not None and state.signature.accepts(state, text, line.text):
            return False
        shown = read_prompt(line.text) or read_bare(line.text)
        if shown is not None:
            # A wrapped command: the rest is no command, output or sentence of its own.
            # A trailing space after a command is too common to count as a soft break.
            if soft and (width is None or self.raw_length(line) + 1 + len(rest.split(None, 1)[0]) <= width):
                return False
            # nor the short answer that command prints ('raw-ip' after qmicli -e)
            hint = kind_for_command(shown.text) if shown.text else None
            return not (
                read_prompt(following.text) is not None
                or read_bare(following.text) is not None
                or PROSE.match(rest)
                or first_start(rest) is not None
                or (hint is not None and hint in BY_KIND and BY_KIND[hint].starts_hinted(rest))
            )
        if first_start(text) is not None:
            return False
        joined = text + " " + rest
        if state is not None and not self.blank and state.signature.accepts(state, joined, joined):
            return True
        return first_start(joined) is not None

    def finish(self) -> None:
        self.close()


def _quote_gaps(raw_lines: List[str]) -> Tuple[Set[int], Set[int]]:
    """The numbers of the quoted lines, and of the unquoted non-blank lines (three at most
    in a row) that sit between two quoted lines with no blank line: in a wrapped text these
    are the pieces a mail client cut off after quoting."""
    quoted = {number for number, raw in enumerate(raw_lines, 1) if raw[:4].lstrip(" ")[:1] == ">"}
    gaps: Set[int] = set()
    run: List[int] = []
    for number, raw in enumerate(raw_lines, 1):
        if number in quoted:
            if run and run[0] - 1 in quoted and len(run) <= 3:
                gaps.update(run)
            run = []
        elif raw.strip():
            run.append(number)
        else:
            run = [-1, -1, -1, -1]  # a blank line: whatever follows is not a cut-off piece
    return quoted, gaps


def extract(text: str, source: str = "-") -> Extraction:
    """Find every block of known output in ``text`` (see the module docstring)."""
    if not isinstance(text, str):
        raise InputError(source, f"expected text, got {type(text).__name__}")
    builder = _Builder(source)
    raw_lines = text.splitlines()
    if "&" in text:
        # widths as the mail client saw them, before a web page turned '>' into '&gt;'
        raw_lines = [_unescape(raw) if "&" in raw and len(raw) <= MAX_LINE else raw for raw in raw_lines]
    builder.raw_lengths = [0] + [len(raw) for raw in raw_lines]
    widest = 0  # the longest line with a space in it, once mail quoting is removed
    for raw in raw_lines:
        size = len(raw)
        if widest < size <= MAX_LINE and " " in raw:
            body = _QUOTE.sub("", raw, count=1) if raw[:4].lstrip(" ")[:1] == ">" else raw
            if " " in body.strip():
                widest = size
    # Mail clients wrap at 72 columns or more: a text whose lines are all shorter may
    # still have been wrapped, but at no less than 72.
    builder.wrap_width = max(widest, _WRAP_LEAST) if 0 < widest <= _WRAP_MAX else None
    if builder.wrap_width is not None:
        # format=flowed marks a soft break with a trailing space; in a text that was not
        # wrapped, a trailing space means nothing (ip route prints one on every line)
        builder.soft_breaks = {number for number, raw in enumerate(raw_lines, 1) if raw.endswith(" ") and raw.strip()}
    lines = list(repair_lines(text))
    count = lines[-1].number if lines else 0
    index = 0
    total = len(lines)
    # joins_wrapped needs a wrapped text, a soft break or a backslash at the end
    maybe_wrapped = builder.wrap_width is not None or bool(builder.soft_breaks)
    builder.squeezed = builder.wrap_width is not None and "  " not in text and "\t" not in text
    if builder.wrap_width is not None and ">" in text:
        builder.quoted, builder.quote_gaps = _quote_gaps(raw_lines)
    feed = builder.feed
    while index < total:
        line = lines[index]
        if builder.squeezed:
            builder.next_text = lines[index + 1].text.strip() if index + 1 < total else ""
        if (
            index + 1 < total
            and (maybe_wrapped or line.text.endswith("\\"))
            and builder.joins_wrapped(line, lines[index + 1])
        ):
            line = Line(line.number, line.text.rstrip() + " " + lines[index + 1].text.strip())
            index += 1
        feed(line)
        index += 1
    builder.finish()
    blocks = tuple(builder.blocks)
    # Prose lines in reading order; facts come only from them, never from output.
    prose = tuple(sorted(builder.prose, key=lambda line: line.number))
    return Extraction(
        source=source,
        blocks=blocks,
        commands=tuple(builder.commands),
        facts=extract_statements(prose, source),
        prose=prose,
        line_count=count,
    )
