"""Highlighted snippets: the matched words in ``<mark>``, everything else HTML-escaped.

Matching is the index's: diacritics and tone placement ignored, zero padding ignored, so the
snippet marks "Đảng ủy" for ``dang uy`` and "05" for ``5``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape

from vanthu.core.text import fold, nfc
from vanthu.search.query import Clause, prefix_splits

WIDTH = 220
LEAD = 70
# Only the beginning of a long file text is scanned for a snippet.
MAX_SCAN_CHARS = 100_000
_WORD = r"[^\W_]"


def pattern(clauses: Sequence[Clause]) -> re.Pattern[str] | None:
    whole: set[str] = set()
    prefixes: set[str] = set()
    for c in clauses:
        if c.negated:
            continue
        tokens = list(c.folded)
        if c.prefix:
            last = tokens.pop()
            readings = prefix_splits(last) if len(c.folded) == 1 else [(last,)]
            for reading in readings:
                whole.update(reading[:-1])
                prefixes.add(reading[-1])
        whole.update(tokens)
    if not whole and not prefixes:
        return None

    def alt(tokens: set[str]) -> str:
        return "|".join(
            ("0*" + re.escape(t)) if t.isdigit() else re.escape(t)
            for t in sorted(tokens, key=len, reverse=True)
        )

    options = []
    if whole:
        options.append(f"(?:{alt(whole)})(?!{_WORD})")
    if prefixes:
        options.append(f"(?:{alt(prefixes)})")
    return re.compile(f"(?<!{_WORD})(?:{'|'.join(options)})")


def _folded_view(text: str) -> str | None:
    """``text`` folded character for character, or None if folding changed its length."""
    folded = fold(text)
    return folded if len(folded) == len(text) else None


def highlight(text: str, compiled: re.Pattern[str] | None) -> str | None:
    """A window of ``text`` around its first match with every match marked; None if none."""
    if not text or compiled is None:
        return None
    text = nfc(text[:MAX_SCAN_CHARS])
    folded = _folded_view(text)
    if folded is None:
        folded = "".join(fold(ch)[:1] or " " for ch in text)
    first = compiled.search(folded)
    if first is None:
        return None
    start = max(0, first.start() - LEAD)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + WIDTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + WIDTH // 2 else end
    out = ["…" if start else ""]
    pos = start
    for m in compiled.finditer(folded, start, end):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(text[m.start() : m.end()])}</mark>")
        pos = m.end()
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def plain(text: str) -> str:
    """The beginning of ``text``, escaped: the snippet when nothing could be marked."""
    text = nfc(text or "")
    return escape(text[:WIDTH]) + ("…" if len(text) > WIDTH else "")
