"""Renderers: the diagnosis as plain text, JSON or a Markdown forum reply.

Every renderer takes the diagnosis document (the JSON contract, see
``diagnosis.SCHEMA``) as plain data, so what the terminal, the forum and the machine
see cannot drift apart. ``share=True`` passes the finished text through ``redact``.
Adding a format is one module defining ``render(doc) -> str`` plus one line here.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

from ..errors import InputError
from ..redact import Redactor

RENDERERS: Dict[str, str] = {
    "text": "text",
    "json": "jsonout",
    "md": "markdown",
}


def render(doc: Dict[str, Any], fmt: str = "text", share: bool = False) -> str:
    """The document rendered in ``fmt``; redacted for sharing when ``share``."""
    try:
        module = importlib.import_module(f"{__name__}.{RENDERERS[fmt]}")
    except KeyError:
        raise InputError("--format", f"unknown format {fmt!r}; choose from {', '.join(RENDERERS)}") from None
    text: str = module.render(doc)
    return Redactor().redact(text) if share else text
