"""``--share`` for commands whose JSON is the parsed input itself (``parse``, ``explain``).

``redact.Redactor`` reads rendered text. Over JSON text it misses two things a parsed
structure carries: values whose quotes JSON escaped (``"AT+CLCK=\\"SC\\",1,\\"1234\\""``)
and UCI options kept as ``{"name": "password", "values": ["..."]}``, where the key and the
value are no longer side by side. So each string in the document goes through the same
``Redactor`` unescaped, secret options by their name, and then the finished JSON text too
(for ``"serial": "..."`` and the like). One ``Redactor`` per output: the same MAC is the
same pseudonym in every place.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict

from ..redact import Redactor

# The option names ``redact`` treats as secrets in UCI text (``option password '...'``).
_SECRET_NAME = re.compile(
    r"^(?:password|passwd|pincode|pin|puk|key|psk|wpa_passphrase|passphrase|secret|"
    r"init_password|auth_secret|sae_password)$",
    re.IGNORECASE,
)


def share_text(text: str) -> str:
    """Rendered text with every identity replaced."""
    return Redactor().redact(text)


def share_json(document: Any) -> str:
    """``document`` as indented JSON with every identity replaced."""
    redactor = Redactor()
    walked = _walk(document, redactor)
    # A parsed value keeps the bare identity its line carried ('detail': '0123456789ABCDEF'
    # beside 'text': '... SerialNumber: 0123...'): once a value was found anywhere, the same
    # string in any other field is the same identity.
    # Only values long enough to identify something: the 'SerialNumber=3' string index of a
    # 'New USB device strings' line is pseudonymised too, and '3' must stay '3' elsewhere.
    seen = {value: name for (_, value), name in redactor._names.items() if len(value) >= 6}
    walked = _same_values(walked, seen)
    return redactor.redact(json.dumps(walked, indent=1, ensure_ascii=False)) + "\n"


def _same_values(value: Any, seen: Dict[str, str]) -> Any:
    if isinstance(value, str):
        key = value.strip()
        # Serial pseudonyms are keyed by the lower-cased value (redact names them so).
        return seen.get(key) or seen.get(key.lower()) or value
    if isinstance(value, list):
        return [_same_values(item, seen) for item in value]
    if isinstance(value, dict):
        return {key: _same_values(item, seen) for key, item in value.items()}
    return value


def _walk(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, (list, tuple)):
        return [_walk(item, redactor) for item in value]
    if isinstance(value, dict):
        secret = isinstance(value.get("name"), str) and bool(_SECRET_NAME.match(value["name"]))
        out = {}
        for key, item in value.items():
            if secret and key in ("value", "values"):
                out[key] = _hide(item)
            else:
                out[key] = _walk(item, redactor)
        return out
    return value


def _hide(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_hide(item) for item in value]
    if isinstance(value, str) and value:
        return "[REDACTED]"
    return value
