"""Loading bundled JSON knowledge files, once each, with a clear error when one is damaged."""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Tuple

from ..errors import KnowledgeError

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


@functools.lru_cache(maxsize=None)
def load_json(relative: str) -> Any:
    """The parsed content of ``data/<relative>``; KnowledgeError if missing or not JSON."""
    path = os.path.join(DATA_DIR, relative)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise KnowledgeError(f"bundled knowledge file {relative} is missing: {error}") from None
    except ValueError as error:
        raise KnowledgeError(f"bundled knowledge file {relative} is damaged: {error}") from None


def list_json(directory: str) -> Tuple[str, ...]:
    """The ``.json`` files of ``data/<directory>``, sorted, as paths relative to ``data/``."""
    path = os.path.join(DATA_DIR, directory)
    try:
        names = sorted(name for name in os.listdir(path) if name.endswith(".json"))
    except OSError as error:
        raise KnowledgeError(f"bundled knowledge directory {directory} is missing: {error}") from None
    return tuple(f"{directory}/{name}" for name in names)
