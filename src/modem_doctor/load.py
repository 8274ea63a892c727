"""Turn what the user gives (pasted text, files, stdin, a bundled example) into a ``Host``.

Each input goes through paste extraction, so a forum post, a mail and a file holding one
raw output are read the same way: every block found becomes an ``Artifact`` and is parsed
by the parser registered for its kind. Several inputs describe one host; their blocks are
kept in the order given (files in argument order, blocks in line order).
"""

from __future__ import annotations

import os
import sys
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from . import parse as parsers
from .errors import InputError
from .extract import Block, Extraction, extract
from .model.common import Line, Unparsed
from .model.host import (AREA_NAMES, AREAS, Artifact, ArtifactUnparsed, Found, Host, LoadProblem, ShellCommand,
                         StatedFact)

EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples")


def load_text(text: str, source: str = "-") -> Host:
    """Read one text (a paste, a file's content) into a Host."""
    return build_host([extract(text, source)])


def load_paths(paths: Sequence[str], stdin: Optional[object] = None) -> Host:
    """Read files (and '-' for standard input) into one Host.

    Files are read as bytes and checked by ``parse.decode_input``: binary data, text that
    is not UTF-8 and inputs over the size limit raise ``InputError`` naming the file.
    """
    if not paths:
        raise InputError("-", "no input given")
    extractions: List[Extraction] = []
    for path in paths:
        if path != "-" and _is_bundle(path):
            extractions.extend(_bundle_extractions(path))
        else:
            extractions.append(extract(read_input(path, stdin), path))
    return build_host(extractions)


def load_bundle(bundle: object) -> Host:
    """A collected bundle (``collect.bundle.Bundle``) as a Host: each capture is read by
    the parser its spec names."""
    from .collect.bundle import extractions

    return build_host(extractions(bundle))  # type: ignore[arg-type]


def _is_bundle(path: str) -> bool:
    from .collect.bundle import looks_like_bundle

    return looks_like_bundle(path)


def _bundle_extractions(path: str) -> List[Extraction]:
    """A bundle written by ``modem-doctor collect`` (bad bundles raise ``InputError``)."""
    from .collect.bundle import extractions, read_bundle

    return extractions(read_bundle(path), os.path.basename(path))


def load_example(name: str) -> Host:
    """Read the bundled example ``name`` (``examples/<name>.txt``)."""
    return load_text(read_example(name), f"example:{name}")


def example_names() -> Tuple[str, ...]:
    """Names of the bundled examples, sorted."""
    try:
        files = os.listdir(EXAMPLES_DIR)
    except OSError:
        return ()
    return tuple(sorted(name[:-4] for name in files if name.endswith(".txt")))


def read_example(name: str) -> str:
    if name not in example_names():
        known = ", ".join(example_names()) or "none"
        raise InputError(f"example:{name}", f"no such example; bundled examples: {known}")
    with open(os.path.join(EXAMPLES_DIR, f"{name}.txt"), "rb") as handle:
        return parsers.decode_input(handle.read(), f"example:{name}")


def read_input(path: str, stdin: Optional[object] = None) -> str:
    """The text of one input: a file, or standard input for '-'."""
    limit = parsers.MAX_INPUT_BYTES
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin
        buffer = getattr(stream, "buffer", stream)
        try:
            data = buffer.read(limit + 1)  # type: ignore[attr-defined]
        except (OSError, ValueError) as error:
            raise InputError("-", f"cannot read standard input: {error}") from None
        if isinstance(data, str):
            data = data.encode("utf-8", errors="replace")
        return parsers.decode_input(data, "-")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    return parsers.decode_input(data, path)


def build_host(extractions: Iterable[Extraction]) -> Host:
    """Parse every block of every extraction and group the results by area."""
    sources: List[str] = []
    artifacts: List[Artifact] = []
    areas: Dict[str, List[Found]] = {area: [] for area in AREA_NAMES}
    commands: List[ShellCommand] = []
    facts: List[StatedFact] = []
    unparsed: List[ArtifactUnparsed] = []
    problems: List[LoadProblem] = []
    used_ids: Dict[str, int] = {}
    texts = []  # (artifact id, its lines) so findings can quote the lines they cite
    for extraction in extractions:
        sources.append(extraction.source)
        commands.extend(extraction.commands)
        facts.extend(extraction.facts)
        for block in extraction.blocks:
            artifact = _artifact(extraction.source, block, used_ids)
            artifacts.append(artifact)
            texts.append((artifact.id, tuple(block.lines)))
            try:
                parsed = _parse_block(block)
            except InputError as error:
                problems.append(LoadProblem(artifact.id, error.problem))
                continue
            if parsed is None:
                problems.append(LoadProblem(artifact.id, f"no parser for {block.kind} is available yet"))
                unparsed.append(ArtifactUnparsed(artifact.id, tuple(Unparsed(line.number, line.text, "no parser") for line in block.lines if line.text.strip())))
                continue
            areas[AREAS.get(block.kind, "other")].append(Found(artifact.id, block.kind, parsed.value))
            if parsed.unparsed:
                unparsed.append(ArtifactUnparsed(artifact.id, tuple(parsed.unparsed)))
    return Host(
        sources=tuple(sources),
        artifacts=tuple(artifacts),
        commands=tuple(commands),
        facts=tuple(facts),
        unparsed=tuple(unparsed),
        problems=tuple(problems),
        artifact_lines=tuple(texts),
        **{area: tuple(items) for area, items in areas.items()},
    )


def _artifact(source: str, block: Block, used: Dict[str, int]) -> Artifact:
    """An artifact whose id says where it is: 'thread.txt:4-78'."""
    base = f"{source}:{block.first_line}-{block.last_line}"
    count = used.get(base, 0)
    used[base] = count + 1
    artifact_id = base if count == 0 else f"{base}#{count + 1}"
    return Artifact(artifact_id, block.kind, source, block.command, block.first_line, block.last_line)


# Parsers that read the prompt line before their output: the interface of 'ifstatus wan',
# the directory of 'ls -l /dev', the config of 'cat /etc/config/network'.
READS_ITS_PROMPT = frozenset({"ifstatus", "ls_dev", "uci_config", "uci_show", "ip_addr", "ip_route", "ifconfig"})


def _parse_block(block: Block):
    """Parse a block with its registered parser; None when that parser is not built yet."""
    try:
        module = parsers.parser_module(block.kind)
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(parsers.__name__):
            return None
        raise
    lines = block.lines
    # the prompt as shown ('root@OpenWrt:~# ', '# '), which those parsers know; not the
    # '[email protected]:~#' a scraper's e-mail obfuscation leaves
    if block.kind in READS_ITS_PROMPT and block.prompt_shown and block.command_text and "[email" not in block.command_text:
        lines = (Line(block.command_line, block.command_text),) + tuple(lines)
    return module.parse_lines(lines)


__all__ = [
    "build_host",
    "example_names",
    "load_bundle",
    "load_example",
    "load_paths",
    "load_text",
    "read_example",
    "read_input",
]
