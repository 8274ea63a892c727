"""The diagnosis document as JSON: one document, keys in contract order."""

from __future__ import annotations

import json
from typing import Any, Dict


def render(doc: Dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_line(doc: Dict[str, Any]) -> str:
    """One document per line (several inputs with --format json)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
