"""The search query language (docs/search.md), parsed here and never handed to an engine raw.

``văn bản mật``        words: every word must occur, diacritics and tone placement ignored
``"ban chấp hành"``    phrase: the words side by side
``-dự thảo``           exclude (a word typed with diacritics excludes only that spelling)
``vănth*``             prefix (also across syllables: ``vănth*`` finds "văn thư")
``so:05-NQ/TU``        number/symbol; ``5-NQ/TU`` = ``05-NQ/TU`` = ``05 - NQ / TU``
``loai:NQ``            document type (abbreviation or code)
``coquan:…``           issuing body (cơ quan ban hành)

Every token is a run of letters and digits from ``vanthu.core.text.tokenize``, so nothing the
user types can become engine syntax: ``NEAR(``, ``*``, ``:``, ``^``, quotes and SQL
metacharacters are separators, and the compilers in ``backends`` quote each token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vanthu.core.text import fold, is_vietnamese_syllable, nfc, search_key, tokenize

MAX_QUERY_CHARS = 500
MAX_TOKENS = 32
MAX_TOKEN_CHARS = 64
# A prefix shorter than this matches too much to be useful and is slow on every engine.
MIN_PREFIX_CHARS = 2

FIELDS = {"so": "symbol", "loai": "type", "coquan": "sender"}
_FIELD = re.compile(r"(so|loai|coquan):", re.IGNORECASE)
# "05 - NQ / TU": separators with spaces on both sides (or none) join a number/symbol; a lone
# leading "-" after a space stays the exclusion operator.
_SPACED_SEPARATOR = re.compile(r"(?<=[^\W_])\s+([-/])\s+(?=[^\W_])")
_SYMBOL_LIKE = re.compile(r"^[^\W_]+(?:[-/.][^\W_]+)+$")


class QueryError(ValueError):
    """The query cannot be understood; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class Clause:
    """One unit of the query: a word, a phrase, a prefix or a field value."""

    column: str  # "text", "symbol" or "sender"
    folded: tuple[str, ...]
    exact: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    # A bare word that looks like a number/symbol: also boosts hits in the symbol field.
    symbol_like: bool = False
    # Typed with diacritics: an exclusion then removes only that spelling.
    has_marks: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...] = ()
    types: tuple[str, ...] = ()
    excluded_types: tuple[str, ...] = ()

    @property
    def positives(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negatives(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def has_text(self) -> bool:
        return bool(self.positives)


def number_token(token: str) -> str:
    """Digits lose their zero padding, so that ``05`` and ``5`` are the same number."""
    if token.isascii() and token.isdigit():
        return token.lstrip("0") or "0"
    return token


def folded_tokens(text: str) -> list[str]:
    return [number_token(t) for t in tokenize(fold(text))]


def exact_tokens(text: str) -> list[str]:
    return [number_token(t) for t in tokenize(search_key(text))]


def parse(raw: str) -> ParsedQuery:
    """Parse the user's query; raise :class:`QueryError` when it cannot be understood."""
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(_("Câu tìm kiếm quá dài (tối đa %(n)d ký tự).") % {"n": MAX_QUERY_CHARS})
    text = _SPACED_SEPARATOR.sub(r"\1", nfc(raw))
    clauses: list[Clause] = []
    types: list[str] = []
    excluded_types: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        column = "text"
        match = _FIELD.match(text, i)
        if match:
            column = FIELDS[match.group(1).lower()]
            i = match.end()
        quoted = i < n and text[i] == '"'
        if quoted:
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(_('Thiếu dấu ngoặc kép đóng cụm từ (").'))
            value, i = text[i + 1 : end], end + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] != '"':
                end += 1
            value, i = text[i:end], end
        if column == "type":
            code = fold(value).strip()
            if code:
                (excluded_types if negated else types).append(code)
            continue
        clause = _clause(value, column=column, quoted=quoted, negated=negated)
        if clause is not None:
            clauses.append(clause)
    if sum(len(c.folded) for c in clauses) > MAX_TOKENS:
        raise QueryError(_("Câu tìm kiếm có quá nhiều từ (tối đa %(n)d từ).") % {"n": MAX_TOKENS})
    parsed = ParsedQuery(tuple(clauses), tuple(types), tuple(excluded_types))
    if not parsed.clauses and not parsed.types:
        raise QueryError(_("Hãy nhập từ cần tìm."))
    if parsed.negatives and not parsed.positives:
        raise QueryError(_("Cần ít nhất một từ cần tìm, không chỉ các từ loại trừ."))
    return parsed


def _clause(value: str, *, column: str, quoted: bool, negated: bool) -> Clause | None:
    prefix = not quoted and value.endswith("*")
    folded = folded_tokens(value)
    exact = exact_tokens(value)
    if not folded:
        return None
    if any(len(t) > MAX_TOKEN_CHARS for t in folded):
        raise QueryError(_("Có từ quá dài (tối đa %(n)d ký tự).") % {"n": MAX_TOKEN_CHARS})
    if len(exact) != len(folded):
        exact = folded
    if prefix and len(folded[-1]) < MIN_PREFIX_CHARS:
        raise QueryError(
            _("Tìm theo phần đầu của từ cần ít nhất %(n)d chữ trước dấu *.")
            % {"n": MIN_PREFIX_CHARS}
        )
    symbol_like = (
        column == "text"
        and not quoted
        and len(folded) > 1
        and any(ch.isdigit() for ch in value)
        and bool(_SYMBOL_LIKE.match(value.rstrip("*")))
    )
    return Clause(
        column=column,
        folded=tuple(folded),
        exact=tuple(exact),
        prefix=prefix,
        negated=negated,
        symbol_like=symbol_like,
        has_marks=tuple(exact) != tuple(folded),
    )


def prefix_splits(token: str, limit: int = 6) -> list[tuple[str, ...]]:
    """Ways to read a folded prefix as whole syllables plus a partial one.

    Users type without spaces while results appear ("vanth" on the way to "văn thư"); each
    reading becomes a phrase whose last token is a prefix. The token itself is always first.
    """
    readings: list[tuple[str, ...]] = [(token,)]

    def walk(head: tuple[str, ...], rest: str) -> None:
        for cut in range(1, min(len(rest), 7)):
            syllable, tail = rest[:cut], rest[cut:]
            if len(readings) >= limit or len(head) >= 2:
                return
            if syllable.isalpha() and is_vietnamese_syllable(syllable):
                readings.append((*head, syllable, tail))
                walk((*head, syllable), tail)

    if token.isalpha():
        walk((), token)
    return readings[:limit]
