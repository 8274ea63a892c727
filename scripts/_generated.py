"""What every generator here does with its output: compare it with the committed file
(--check) or write it. Imported by the generators run as scripts (scripts/ is sys.path[0])."""

from __future__ import annotations

import difflib
import os
import sys


def read_committed(path: str) -> str:
    """The committed file's text, '' when it does not exist yet."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def check(tool: str, path: str, committed: str, fresh: str, what: str = "") -> int:
    """0 and a line when ``fresh`` equals ``committed``; else the diff and 1."""
    if committed == fresh:
        print(f"{tool}: {path} is up to date{f' ({what})' if what else ''}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        committed.splitlines(True), fresh.splitlines(True), "committed", "regenerated", n=2))
    return 1


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
