"""Damage that real text suffers on its way into a forum post or a mail, applied to real
captured text so the extractor can be tested on it. Each function takes and returns the
whole text."""

from __future__ import annotations

import html
import re
import textwrap
from typing import Callable, Dict


def collapse_whitespace(text: str) -> str:
    """Forums squeeze runs of spaces and drop indentation."""
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def remove_blank_lines(text: str) -> str:
    """Blocks and prose glued together with no blank line between them."""
    return "\n".join(line for line in text.splitlines() if line.strip())


def mail_quote(text: str, depth: int = 1) -> str:
    """A reply quoting the message: '> ' (or '>> ' and deeper) before every line."""
    prefix = "> " * depth
    return "\n".join((prefix + line) if line else prefix.rstrip() for line in text.splitlines())


def wrap_72(text: str) -> str:
    """A mail client wrapping long lines at 72 columns, breaking only at spaces."""
    out = []
    for line in text.splitlines():
        if len(line) <= 72:
            out.append(line)
            continue
        out.extend(textwrap.wrap(line, 72, break_long_words=False, break_on_hyphens=False, drop_whitespace=True))
    return "\n".join(out)


def crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + "\r\n"


def html_escaped(text: str) -> str:
    """A page scraped as HTML: '<', '>', '&' and quotes left as entities."""
    return html.escape(text)


def forum_markup(text: str) -> str:
    """A reply quoting the post in BBCode around a Markdown code fence, with the fence's
    first line glued to the text as careless posters do, and no-break spaces for indents."""
    lines = text.splitlines()
    body = [re.sub(r"^( +)", lambda m: "\u00a0" * len(m.group(1)), line) for line in lines]
    return "\n".join(['[quote="user, post:3, topic:1"]', "```"] + body + ["```", "[/quote]"])


def everything(text: str) -> str:
    """All of the above at once, in the order a mail would suffer them."""
    return crlf(mail_quote(remove_blank_lines(wrap_72(collapse_whitespace(text))), depth=2))


DAMAGES: Dict[str, Callable[[str], str]] = {
    "collapse_whitespace": collapse_whitespace,
    "remove_blank_lines": remove_blank_lines,
    "mail_quote": mail_quote,
    "mail_quote_2": lambda text: mail_quote(text, 2),
    "wrap_72": wrap_72,
    "crlf": crlf,
    "html_escaped": html_escaped,
    "forum_markup": forum_markup,
    "everything": everything,
}

# Damage that keeps every line where it was, so line numbers must not change.
SAME_LINES = ("collapse_whitespace", "mail_quote", "mail_quote_2", "crlf", "html_escaped")
