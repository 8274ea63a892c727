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
from typing import Iterator, List, Optional, Tuple

from ..errors import InputError
from ..model.common import Line
from ..model.host import ShellCommand, StatedFact
from .commands import kind_for_command, read_bare, read_prompt, split_glued_prompt
from .signatures import BY_KIND, PROSE, SIGNATURES, BlockState, JsonSignature, Signature
from .statements import extract_statements

__all__ = ["Block", "Extraction", "extract", "repair_lines"]

# Lines longer than this are never output we parse (and would make patterns slow).
MAX_LINE = 4096
# Mail clients wrap at 72-78 columns; a line shorter than this was not wrapped.
_WRAP_MIN = 40
_WRAP_WIDTH = 72

_SPACES = {ord(char): " " for char in "\u00a0\u2007\u202f\u2002\u2003\u2009\t"}
_SPACES.update({ord(char): None for char in "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"})
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")


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
        cleaned = raw.translate(_SPACES).rstrip() if len(raw) <= MAX_LINE else raw
        if cleaned[:4].lstrip(" ").startswith(">"):
            cleaned = _QUOTE.sub("", cleaned, count=1)
        for part in split_glued_prompt(cleaned) if len(cleaned) <= MAX_LINE else (cleaned,):
            yield Line(number, part)


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
        self.last_segment = len(line.text)

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
            )
        )
        self.lines = []
        self.blank = []

    # --- one line ---------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        text = line.text.strip()
        if not text:
            if self.state is not None:
                self.blank.append(line)
            return
        if len(text) > MAX_LINE:
            self.close()
            self.command = None
            self.prose.append(line)
            return
        prompt = read_prompt(line.text)
        if prompt is not None:
            self.close()
            self.take_command(line, prompt.text, True)
            return
        state = self.state
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
        if state is not None and not self.blank and self.continues(state, text):
            joined = Line(self.lines[-1].number, self.lines[-1].text.rstrip() + " " + text)
            self.lines[-1] = joined
            state.texts[-1] = joined.text.strip()
            self.last_segment = len(text)
            return
        self.close()
        self.command = None
        self.prose.append(line)

    def take_command(self, line: Line, text: str, prompt_shown: bool) -> None:
        if text:
            self.commands.append(ShellCommand(line.number, text, prompt_shown, self.source))
            self.command = (text, line.number, prompt_shown, kind_for_command(text))
        else:
            self.command = None

    def start(self, line: Line, text: str) -> bool:
        """Open a block at ``line`` when the pending command or the content says so."""
        hint = self.command[3] if self.command else None
        if hint is not None and hint in BY_KIND:
            signature = BY_KIND[hint]
            if signature.starts_hinted(text):
                self.close()
                kind = hint if hint in signature.kinds() else signature.kind
                self.open(signature, line, text, kind, hinted=True)
                return True
        for signature in SIGNATURES:
            if signature.starts(text):
                self.close()
                self.open(signature, line, text, signature.kind, hinted=False)
                return True
        return False

    def continues(self, state: BlockState, text: str) -> bool:
        """Is ``text`` the rest of the block's last line, cut by a mail client's wrapping?

        Greedy wrapping breaks a line only where the next word would not fit, so the
        previous piece is long and the first word here would have overflowed it."""
        if isinstance(state.signature, JsonSignature) or not self.lines:
            return False
        previous = self.last_segment
        first_word = text.split(None, 1)[0]
        return (
            previous >= _WRAP_MIN
            and previous + 1 + len(first_word) > _WRAP_WIDTH
            and len(text) <= 80
            and not PROSE.match(text)
        )

    def finish(self) -> None:
        self.close()


def extract(text: str, source: str = "-") -> Extraction:
    """Find every block of known output in ``text`` (see the module docstring)."""
    if not isinstance(text, str):
        raise InputError(source, f"expected text, got {type(text).__name__}")
    builder = _Builder(source)
    count = 0
    for line in repair_lines(text):
        count = line.number
        builder.feed(line)
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
