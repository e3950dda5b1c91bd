"""One index, two engines, chosen by ``connection.vendor`` (docs/search.md, "Design").

SQLite: an FTS5 table ``search_index`` (rowid = document id) over text this module has already
normalised, tokenised with ``unicode61 remove_diacritics 0`` so that FTS5 never folds on its
own (it would miss đ). PostgreSQL: a table ``search_index`` of ``tsvector`` columns that Python
builds token by token (no text search configuration, no unaccent) with GIN indexes.

Both keep four columns: ``folded`` (every text, fold(): matching), ``exact`` (the same text,
search_key(): ranking exact diacritics first), ``symbol`` (the number/symbol) and ``sender``
(issuing body). Queries are compiled from a parsed :class:`~vanthu.search.query.ParsedQuery`;
every token is quoted, so user text never becomes engine syntax.
"""

# S608: every statement here is built from this module's constants (table and column names) and
# from SQL the ORM compiled; every value, user text included, is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from vanthu.search.query import Clause, ParsedQuery, prefix_splits

TABLE = "search_index"
# Ranking weights: a hit with the exact diacritics counts three times a folded one (a search for
# "mật" ranks "văn bản mật" above "mất tài liệu"); a hit in the number/symbol field five times.
W_FOLDED, W_EXACT, W_SYMBOL, W_SENDER = 1.0, 3.0, 5.0, 1.0
# PostgreSQL: positions above 16383 are stored as 16383 and a lexeme keeps at most 256 of them.
PG_MAX_POS = 16383
PG_MAX_POSITIONS = 256


@dataclass(frozen=True)
class Entry:
    document_id: int
    folded: Sequence[str]
    exact: Sequence[str]
    symbol: Sequence[str]
    sender: Sequence[str]


def vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def id_column() -> str:
    return "document_id" if vendor() == "postgresql" else "rowid"


# --- writing -------------------------------------------------------------------------------


def upsert(entries: Sequence[Entry]) -> None:
    if not entries:
        return
    delete([e.document_id for e in entries])
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, folded, exact, symbol, sender) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
                [
                    (
                        e.document_id,
                        tsvector(e.folded),
                        tsvector(e.exact),
                        tsvector(e.symbol),
                        tsvector(e.sender),
                    )
                    for e in entries
                ],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, folded, exact, symbol, sender) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        e.document_id,
                        " ".join(e.folded),
                        " ".join(e.exact),
                        " ".join(e.symbol),
                        " ".join(e.sender),
                    )
                    for e in entries
                ],
            )


def delete(document_ids: Sequence[int]) -> None:
    if not document_ids:
        return
    marks = ", ".join(["%s"] * len(document_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {id_column()} IN ({marks})", list(document_ids))


def remove_orphans(documents_table: str) -> int:
    """Drop entries whose document no longer exists."""
    col = id_column()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {col} NOT IN (SELECT id FROM {documents_table})")
        return max(cursor.rowcount, 0)


def entry_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(tokens: Sequence[str]) -> str:
    """A tsvector literal with positions, so that phrases (``<->``) work."""
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        kept = positions.setdefault(token, [])
        pos = min(i, PG_MAX_POS)
        if len(kept) < PG_MAX_POSITIONS and (not kept or kept[-1] != pos):
            kept.append(pos)
    return " ".join(f"{_lexeme(t)}:{','.join(map(str, p))}" for t, p in positions.items())


def upsert_many(entries: Sequence[Entry]) -> None:
    """:func:`upsert` for large batches (the legacy import): the same rows, built cheaper.

    On PostgreSQL each distinct token is quoted once per process (:func:`tsvector_cached`)
    instead of at every occurrence; SQLite rows are plain strings and go through upsert().
    """
    if not entries:
        return
    if vendor() != "postgresql":
        upsert(entries)
        return
    delete([e.document_id for e in entries])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (document_id, folded, exact, symbol, sender) "
            "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
            [
                (
                    e.document_id,
                    tsvector_cached(e.folded),
                    tsvector_cached(e.exact),
                    tsvector_cached(e.symbol),
                    tsvector_cached(e.sender),
                )
                for e in entries
            ],
        )


_LEXEME_CACHE = 1 << 16
_lexemes: dict[str, str] = {}


def tsvector_cached(tokens: Sequence[str]) -> str:
    """:func:`tsvector`, character for character, with each token's quoting kept."""
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens, start=1):
        pos = i if i < PG_MAX_POS else PG_MAX_POS
        kept = positions.get(token)
        if kept is None:
            positions[token] = [pos]
        elif len(kept) < PG_MAX_POSITIONS and kept[-1] != pos:
            kept.append(pos)
    parts = []
    for token, kept in positions.items():
        lexeme = _lexemes.get(token)
        if lexeme is None:
            lexeme = _lexeme(token)
            if len(_lexemes) >= _LEXEME_CACHE:
                _lexemes.clear()
            _lexemes[token] = lexeme
        parts.append(
            f"{lexeme}:{kept[0]}" if len(kept) == 1 else f"{lexeme}:{','.join(map(str, kept))}"
        )
    return " ".join(parts)


# --- querying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compiled:
    where: str
    params: list[Any]
    score: str
    score_params: list[Any]


def compile_query(parsed: ParsedQuery) -> Compiled:
    if vendor() == "postgresql":
        return _compile_pg(parsed)
    return _compile_fts5(parsed)


def _pairs(clauses: Sequence[Clause], attr: str) -> list[tuple[str, str]]:
    """Adjacent syllable pairs across consecutive words: "kept together" ranks higher."""
    words = [c for c in clauses if c.column == "text" and not c.prefix]
    out: list[tuple[str, str]] = []
    for a, b in itertools.pairwise(words):
        out.append((getattr(a, attr)[-1], getattr(b, attr)[0]))
    return out


# FTS5 ---------------------------------------------------------------------------------------

_FTS_COLUMN = {"text": "folded", "symbol": "symbol", "sender": "sender"}


def _fts_phrase(column: str, tokens: Sequence[str], prefix: bool = False) -> str:
    quoted = " ".join(t.replace('"', '""') for t in tokens)
    return f'{column}:"{quoted}"' + ("*" if prefix else "")


def _fts_positive(c: Clause) -> str:
    column = _FTS_COLUMN[c.column]
    if c.prefix and c.column == "text" and len(c.folded) == 1:
        options = [_fts_phrase("folded", r, prefix=True) for r in prefix_splits(c.folded[0])]
        return "(" + " OR ".join(options) + ")"
    options = [_fts_phrase(column, c.folded, prefix=c.prefix)]
    if c.column == "text" and c.has_marks and not c.prefix:
        options.append(_fts_phrase("exact", c.exact))
    if c.symbol_like:
        options.append(_fts_phrase("symbol", c.folded))
    return "(" + " OR ".join(options) + ")"


def _fts_negative(c: Clause) -> str:
    if c.column == "text" and c.has_marks:
        return _fts_phrase("exact", c.exact, prefix=c.prefix)
    return _fts_phrase(_FTS_COLUMN[c.column], c.folded, prefix=c.prefix)


def _compile_fts5(parsed: ParsedQuery) -> Compiled:
    positives = parsed.positives
    parts = [_fts_positive(c) for c in positives]
    boost = [_fts_phrase("folded", p) for p in _pairs(positives, "folded")]
    if any(c.has_marks for c in positives):
        boost += [_fts_phrase("exact", p) for p in _pairs(positives, "exact")]
    if boost:
        # Always true when the first part is: it only adds the pairs' hits to bm25.
        parts.append("(" + " OR ".join([*boost, parts[0]]) + ")")
    expression = " AND ".join(parts)
    for c in parsed.negatives:
        expression = f"({expression}) NOT {_fts_negative(c)}"
    weights = f"{W_FOLDED}, {W_EXACT}, {W_SYMBOL}, {W_SENDER}"
    return Compiled(
        where=f"{TABLE} MATCH %s",
        params=[expression],
        score=f"-bm25({TABLE}, {weights})",
        score_params=[],
    )


# PostgreSQL ---------------------------------------------------------------------------------


def _ts_phrase(tokens: Sequence[str], prefix: bool = False) -> str:
    lexemes = [_lexeme(t) for t in tokens]
    if prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def _ts_positive(c: Clause) -> str:
    if c.prefix and c.column == "text" and len(c.folded) == 1:
        return "(" + " | ".join(_ts_phrase(r, True) for r in prefix_splits(c.folded[0])) + ")"
    return _ts_phrase(c.folded, c.prefix)


def _compile_pg(parsed: ParsedQuery) -> Compiled:
    conditions: list[str] = []
    params: list[Any] = []
    text_terms = [_ts_positive(c) for c in parsed.positives if c.column == "text"]
    text_terms += [
        "!" + _ts_phrase(c.folded, c.prefix)
        for c in parsed.negatives
        if c.column == "text" and not c.has_marks
    ]
    folded_query = " & ".join(text_terms)
    if text_terms:
        conditions.append("folded @@ %s::tsquery")
        params.append(folded_query)
    for c in parsed.clauses:
        if c.column == "text" and not (c.negated and c.has_marks):
            continue
        column = "exact" if c.column == "text" else c.column
        tokens = c.exact if c.column == "text" else c.folded
        condition = f"{column} @@ %s::tsquery"
        conditions.append(f"NOT ({condition})" if c.negated else condition)
        params.append(_ts_phrase(tokens, c.prefix))

    score_parts: list[str] = []
    score_params: list[Any] = []
    if text_terms:
        score_parts.append(f"{W_FOLDED} * ts_rank_cd(folded, %s::tsquery)")
        score_params.append(folded_query)
    exact_terms = [
        _ts_phrase(c.exact)
        for c in parsed.positives
        if c.column == "text" and c.has_marks and not c.prefix
    ]
    if exact_terms:
        score_parts.append(f"{W_EXACT} * ts_rank(exact, %s::tsquery)")
        score_params.append(" | ".join(exact_terms))
    pairs = _pairs(parsed.positives, "folded")
    if pairs:
        score_parts.append(f"{W_FOLDED} * ts_rank(folded, %s::tsquery)")
        score_params.append(" | ".join(_ts_phrase(p) for p in pairs))
    symbols = [
        _ts_phrase(c.folded, c.prefix)
        for c in parsed.positives
        if c.symbol_like or c.column == "symbol"
    ]
    if symbols:
        score_parts.append(f"{W_SYMBOL} * ts_rank(symbol, %s::tsquery)")
        score_params.append(" | ".join(symbols))
    senders = [_ts_phrase(c.folded, c.prefix) for c in parsed.positives if c.column == "sender"]
    if senders:
        score_parts.append(f"{W_SENDER} * ts_rank(sender, %s::tsquery)")
        score_params.append(" | ".join(senders))
    return Compiled(
        where=" AND ".join(conditions) or "TRUE",
        params=params,
        score=" + ".join(score_parts) or "0",
        score_params=score_params,
    )


# Counts above this are reported as "hơn N" (docs/search.md, "Counts and ranking"): the engine
# stops after this many visible matches, newest first, and ranks those.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Matches:
    # Visible matches found, at most the window (COUNT_CAP, or deeper for a deep page).
    count: int
    # False when more visible matches exist than were read: ``count`` is then a lower bound.
    exact: bool
    # The page: (id, score), best first.
    rows: list[tuple[int, float]]


def run(
    compiled: Compiled,
    probe_sql: str,
    probe_params: Sequence[Any],
    *,
    limit: int,
    offset: int,
    using: str = DEFAULT_DB_ALIAS,
) -> Matches:
    """Count and one ranked page of the matches that pass ``probe_sql``.

    ``probe_sql`` is the access rule as a correlated query on one index entry (it refers to
    ``search_index.<id column>``): the engine checks it per match, inside the same statement,
    so nothing the user may not see is counted, ranked or returned (architecture.md, "Search
    and access"). Matches are read newest first and stop after the window, so the cost is
    bounded whatever the number of matches; the window is ranked and paged here.
    """
    window = max(COUNT_CAP, offset + limit)
    col = id_column()
    params: list[Any] = [*compiled.params, *probe_params]
    with connections[using].cursor() as cursor:
        if vendor() == "postgresql":
            cursor.execute(
                f"WITH hits AS MATERIALIZED (SELECT document_id FROM {TABLE} "
                f"WHERE {compiled.where} AND EXISTS ({probe_sql}) "
                "ORDER BY document_id DESC LIMIT %s) "
                f"SELECT {TABLE}.document_id, {compiled.score} AS score "
                f"FROM {TABLE} JOIN hits ON hits.document_id = {TABLE}.document_id",
                [*params, window + 1, *compiled.score_params],
            )
        else:
            # FTS5 walks the matches newest first (rowid DESC, no sort) and stops after the
            # window; each match costs one primary-key probe of the document row.
            cursor.execute(
                f"SELECT {col}, {compiled.score} AS score FROM {TABLE} "
                f"WHERE {compiled.where} AND EXISTS ({probe_sql}) ORDER BY {col} DESC LIMIT %s",
                [*compiled.score_params, *params, window + 1],
            )
        found = [(int(r[0]), float(r[1] or 0.0)) for r in cursor.fetchall()]
    found.sort(key=lambda r: -r[0])
    exact = len(found) <= window
    found = found[:window]
    found.sort(key=lambda r: (-r[1], -r[0]))
    return Matches(count=len(found), exact=exact, rows=found[offset : offset + limit])
