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

import contextlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

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
    # Access tokens (indexing.access_tokens): who may find this entry, matched by the engine.
    access: Sequence[str] = ()


def vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def id_column() -> str:
    return "document_id" if vendor() == "postgresql" else "rowid"


# --- writing -------------------------------------------------------------------------------


def _insert_sqlite(cursor: Any, entries: Iterable[Entry]) -> None:
    """The FTS5 rows of ``entries`` (rowid = document id): each column its tokens, spaced."""
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, folded, exact, symbol, sender, access) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (
                e.document_id,
                " ".join(e.folded),
                " ".join(e.exact),
                " ".join(e.symbol),
                " ".join(e.sender),
                " ".join(e.access),
            )
            for e in entries
        ],
    )


def upsert(entries: Sequence[Entry]) -> None:
    if not entries:
        return
    delete([e.document_id for e in entries])
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (document_id, folded, exact, symbol, sender, access) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector, %s::tsvector)",
                [
                    (
                        e.document_id,
                        tsvector(e.folded),
                        tsvector(e.exact),
                        tsvector(e.symbol),
                        tsvector(e.sender),
                        tsvector(e.access),
                    )
                    for e in entries
                ],
            )
        else:
            _insert_sqlite(cursor, entries)


def delete(document_ids: Sequence[int]) -> None:
    if not document_ids:
        return
    marks = ", ".join(["%s"] * len(document_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {id_column()} IN ({marks})", list(document_ids))


def set_access(tokens: Sequence[str], documents: Any) -> int:
    """Set the access tokens of the entries of ``documents`` (a queryset of ``pk`` values)."""
    sql, params = documents.query.sql_with_params()
    value = tsvector(tokens) if vendor() == "postgresql" else " ".join(tokens)
    cast = "::tsvector" if vendor() == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET access = %s{cast} WHERE {id_column()} IN ({sql})",
            [value, *params],
        )
        return max(cursor.rowcount, 0)


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


def append(entries: Iterable[Entry]) -> None:
    """Write entries of documents that have none yet (a first build, a bulk load): no delete.

    PostgreSQL: one ``COPY`` of the same tsvector literals as :func:`upsert` writes, each
    distinct token quoted once per process (:func:`tsvector_cached`); the server parses them
    as it parses the INSERT's casts, and indexes the rows already sent while later ones are
    built (``entries`` may be a generator). SQLite: one ``executemany``. A document that has
    an entry already is refused (the id is the table's key). The caller holds the
    transaction: one per chunk keeps memory and the WAL bounded.
    """
    if not entries:
        return
    if vendor() != "postgresql":
        with connection.cursor() as cursor:
            _insert_sqlite(cursor, entries)
        return
    # The psycopg cursor under Django's (COPY is no DB-API call), its errors raised as
    # Django's, as every other statement's are.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {TABLE} (document_id, folded, exact, symbol, sender, access) FROM STDIN"
        ) as copy,
    ):
        for e in entries:
            copy.write_row(
                (
                    e.document_id,
                    tsvector_cached(e.folded),
                    tsvector_cached(e.exact),
                    tsvector_cached(e.symbol),
                    tsvector_cached(e.sender),
                    tsvector_cached(e.access),
                )
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
    # FTS5: the MATCH expression of the scoring statement (with the pair boosts).
    rank_params: list[Any] = field(default_factory=list)
    # Every word typed with diacritics found in that spelling (FTS5 expression or tsquery on
    # ``exact``); empty when no word has marks. Such matches rank first (EXACT_TIER).
    exact: str = ""
    # Every clause is a positive word or phrase of the text typed with marks (no prefix, no
    # exclusion, no field): matching ``exact`` then implies matching the whole query, so the
    # exact-spelling pass reads only the exact column (PostgreSQL: no re-read of ``folded``).
    exact_only: bool = False
    # FTS5: (weight, expression) of the cheap score: words kept together, a hit in the
    # number/symbol field. Each is matched over the candidates only, never bm25.
    features: list[tuple[float, str]] = field(default_factory=list)
    # PostgreSQL, when a phrase (``<->``) is matched on ``folded``: a weaker tsquery (each
    # phrase as its words, ``&``; exclusions left out) that the GIN answers without reading a
    # single vector. The statement matches it in the index and checks the real query
    # (``folded @@ phrase_check``) only on the rows it walks, newest first, until the LIMIT:
    # GIN keeps no positions, so matching the phrase in the index re-read the vector of every
    # match (1.7 s for a leader's common phrase at 100,000 documents, docs/search.md).
    prefilter: str = ""
    phrase_check: str = ""
    # PostgreSQL: ``params`` with the real folded query in place of the prefilter, for
    # checking ``where`` row by row.
    check_params: list[Any] = field(default_factory=list)


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


def _exact_only(parsed: ParsedQuery) -> bool:
    return not parsed.negatives and all(
        c.column == "text" and c.has_marks and not c.prefix for c in parsed.clauses
    )


def _compile_fts5(parsed: ParsedQuery) -> Compiled:
    positives = parsed.positives
    parts = [_fts_positive(c) for c in positives]
    boost = [_fts_phrase("folded", p) for p in _pairs(positives, "folded")]
    if any(c.has_marks for c in positives):
        boost += [_fts_phrase("exact", p) for p in _pairs(positives, "exact")]
    if boost:
        # Always true when the first part is: it only adds the pairs' hits to bm25.
        parts.append("(" + " OR ".join([*boost, parts[0]]) + ")")
    # Matching: the parts alone. Ranking: with the boost, which never changes what matches.
    expression = " AND ".join(parts[: len(positives)])
    ranked = " AND ".join(parts)
    for c in parsed.negatives:
        expression = f"({expression}) NOT {_fts_negative(c)}"
        ranked = f"({ranked}) NOT {_fts_negative(c)}"
    # The access column (fifth) weighs nothing: it decides what matches, never the rank.
    # (bm25 is what the benchmark's raw engine ranks with; run() ranks with the features.)
    weights = f"{W_FOLDED}, {W_EXACT}, {W_SYMBOL}, {W_SENDER}, 0.0"
    marked = [c for c in positives if c.column == "text" and c.has_marks]
    exact = " AND ".join(_fts_phrase("exact", c.exact, prefix=c.prefix) for c in marked)
    features = [(W_FOLDED, _fts_phrase("folded", p)) for p in _pairs(positives, "folded")]
    if marked:
        features += [(W_EXACT, _fts_phrase("exact", p)) for p in _pairs(positives, "exact")]
    features += [
        (W_SYMBOL, _fts_phrase("symbol", c.folded, prefix=c.prefix))
        for c in positives
        if c.symbol_like
    ]
    return Compiled(
        where=f"{TABLE} MATCH %s",
        params=[expression],
        score=f"-bm25({TABLE}, {weights})",
        score_params=[],
        rank_params=[ranked],
        exact=exact,
        features=features,
        exact_only=_exact_only(parsed),
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
    prefilter = ""
    if text_terms:
        conditions.append("folded @@ %s::tsquery")
        if "<->" in folded_query:
            # Weaker, never stronger: positive clauses only, each phrase as its words.
            prefilter = " & ".join(
                _ts_positive(c).replace(" <-> ", " & ")
                for c in parsed.positives
                if c.column == "text"
            )
            params.append(prefilter)
        else:
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
    marked = [c for c in parsed.positives if c.column == "text" and c.has_marks]
    return Compiled(
        where=" AND ".join(conditions) or "TRUE",
        params=params,
        score=" + ".join(score_parts) or "0",
        score_params=score_params,
        exact=" & ".join(_ts_phrase(c.exact, c.prefix) for c in marked),
        exact_only=_exact_only(parsed),
        prefilter=prefilter,
        phrase_check=folded_query if prefilter else "",
        check_params=[folded_query, *params[1:]] if prefilter else list(params),
    )


# Counts above this are reported as "hơn N" (docs/search.md, "Counts and ranking"): the engine
# stops after this many visible matches, newest first.
COUNT_CAP = 1000
# Of those, the newest this many (or a deeper page's worth) are ranked, together with the newest
# this many that hold every marked word in its exact spelling.
RANK_WINDOW = 200
# Added to the score of a match holding every word typed with diacritics in that spelling: such
# matches rank above every other ("mật" ranks "văn bản mật" above "mất tài liệu").
EXACT_TIER = 1000.0


@dataclass(frozen=True)
class Scope:
    """A user's access as the engine reads it (search/access.py, selectors.py)."""

    # An entry must hold one of these organisation tokens ...
    tokens: Sequence[str]
    # ... and one of these secrecy tokens (the levels the user's clearance reaches).
    secrecy: Sequence[str]
    # The policy's own rule (with the filters) as a correlated query on the document of an
    # index entry: it refers to ``search_index.<id column>``.
    probe_sql: str
    probe_params: Sequence[Any]


@dataclass(frozen=True)
class Matches:
    # Visible matches found, at most the window (COUNT_CAP, or deeper for a deep page).
    count: int
    # False when more visible matches exist than were read: ``count`` is then a lower bound.
    exact: bool
    # The page: (id, score), best first.
    rows: list[tuple[int, float]]


def _fts_any(tokens: Sequence[str]) -> str:
    return "(" + " OR ".join(f'access:"{t}"' for t in tokens) + ")"


def _ts_any(tokens: Sequence[str]) -> str:
    return "(" + " | ".join(_lexeme(t) for t in tokens) + ")"


def _fts_scope(scope: Scope) -> str:
    return f"{_fts_any(scope.tokens)} AND {_fts_any(scope.secrecy)}"


def _visible(compiled: Compiled, scope: Scope, *, exact: bool = False) -> tuple[str, list[Any]]:
    """A SELECT of the ids of the visible matches, newest first (the caller adds the LIMIT).

    Text, access tokens and the policy's probe in one statement. ``exact``: only matches that
    hold every marked word in its exact spelling.

    PostgreSQL: the text and the tokens are matched in an inner query (one GIN scan over
    ``(folded, access)``, ids sorted), and the probe runs on its rows in order, so it stops
    with the LIMIT instead of running for every match before the sort.
    """
    if vendor() == "postgresql":
        access = f"{_ts_any(scope.tokens)} & {_ts_any(scope.secrecy)}"
        params: list[Any]
        # What the index answers (inner query) and what is checked on each row walked, newest
        # first, until the LIMIT (outer query): phrases (Compiled.prefilter) and, in the
        # exact-spelling pass, the rest of the query.
        checks: list[str] = []
        check_params: list[Any] = []
        if exact:
            exact_index = compiled.exact
            if "<->" in compiled.exact:
                # Only positive marked words: their words alone are a weaker condition.
                exact_index = compiled.exact.replace(" <-> ", " & ")
                checks.append("exact @@ %s::tsquery")
                check_params.append(compiled.exact)
            # The GIN over (exact, access) answers the pass; the rest of the query is checked
            # per row. Left to the planner, it checked the folded text on every exact match
            # before the sort (1.4 s for `chuyển*`, a leader, 100,000 documents).
            conditions, params = ["exact @@ %s::tsquery"], [exact_index]
            if not compiled.exact_only:
                checks.insert(0, compiled.where)
                check_params[:0] = compiled.check_params
        else:
            conditions, params = [compiled.where], list(compiled.params)
            if compiled.phrase_check:
                checks.append("folded @@ %s::tsquery")
                check_params.append(compiled.phrase_check)
        conditions.append("access @@ %s::tsquery")
        params.append(access)
        # The inner query returns the vectors' TOAST pointers; a check reads one only for
        # the rows the outer query walks.
        columns = "document_id, folded, exact, symbol, sender" if checks else "document_id"
        inner = (
            f"SELECT {columns} FROM {TABLE} WHERE {' AND '.join(conditions)} "
            "ORDER BY document_id DESC OFFSET 0"
        )
        # OFFSET 0 (both): the inner query is not merged into the outer one, and the probe is
        # not turned into a hashed subplan over every document the user may see.
        where = " AND ".join([*checks, f"EXISTS ({scope.probe_sql} OFFSET 0)"])
        return (
            f"SELECT document_id FROM ({inner}) AS {TABLE} WHERE {where} ORDER BY document_id DESC",
            [*params, *check_params, *scope.probe_params],
        )
    text = compiled.params[0]
    if exact:
        text = compiled.exact if compiled.exact_only else f"({text}) AND ({compiled.exact})"
    expression = f"({text}) AND {_fts_scope(scope)}"
    return (
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "
        f"AND EXISTS ({scope.probe_sql}) ORDER BY rowid DESC",
        [expression, *scope.probe_params],
    )


def _newest(cursor: Any, select: tuple[str, list[Any]], limit: int) -> list[int]:
    cursor.execute(f"{select[0]} LIMIT %s", [*select[1], limit])
    return [int(r[0]) for r in cursor.fetchall()]


def _scores(cursor: Any, compiled: Compiled, scope: Scope, ids: list[int]) -> dict[int, float]:
    """The score of each candidate (already visible): exact tier, then relevance.

    PostgreSQL: ts_rank_cd / ts_rank over the candidates' own vectors. FTS5: no bm25 (its IDF
    walks the whole posting list of every phrase, the access tokens' too, whatever the window):
    each feature (exact spelling, words kept together, symbol hit) is one MATCH restricted to
    the candidates' rowid range and the user's tokens, which FTS5 answers by seeking.
    """
    scores = dict.fromkeys(ids, 0.0)
    if not ids:
        return scores
    if vendor() == "postgresql":
        tier, tier_params = "", []
        if compiled.exact:
            tier, tier_params = " + %s * (exact @@ %s::tsquery)::int", [EXACT_TIER, compiled.exact]
        cursor.execute(
            f"SELECT document_id, {compiled.score}{tier} FROM {TABLE} WHERE document_id = ANY(%s)",
            [*compiled.score_params, *tier_params, ids],
        )
        for pk, score in cursor.fetchall():
            scores[int(pk)] = float(score or 0.0)
        return scores
    features = list(compiled.features)
    if compiled.exact:
        features.insert(0, (EXACT_TIER, compiled.exact))
    low, high = min(ids), max(ids)
    for weight, expression in features:
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid BETWEEN %s AND %s",
            [f"({expression}) AND {_fts_scope(scope)}", low, high],
        )
        for (pk,) in cursor.fetchall():
            if pk in scores:
                scores[pk] += weight
    return scores


def run(
    compiled: Compiled,
    scope: Scope,
    *,
    limit: int,
    offset: int,
    using: str = DEFAULT_DB_ALIAS,
) -> Matches:
    """Count and one ranked page of the matches in ``scope``.

    The user's access is part of the engine's statement: organisation and secrecy tokens are
    matched together with the text (FTS5: one MATCH expression; PostgreSQL: one GIN index over
    folded and access), so the engine only walks entries in the user's scope, and the policy's
    own rule (``scope.probe_sql``) is checked per match inside the same statement, so nothing
    the user may not see is counted, ranked or returned, even when a token is not yet in step
    with a change (architecture.md, "Search and access").

    First pass, unscored: the ids of the newest COUNT_CAP matches (the count); the newest
    RANK_WINDOW of them (or a deeper page's worth) are the candidates, and when a word has
    diacritics, so are the newest RANK_WINDOW matches holding every such word in its exact
    spelling, so an exact match is ranked even when newer folded ones fill the window. Then
    only those candidates are scored (:func:`_scores`). Every statement stops early.
    """
    window = max(COUNT_CAP, offset + limit)
    head = min(max(RANK_WINDOW, offset + limit), window)
    conn = connections[using]
    postgres = conn.vendor == "postgresql"
    block = transaction.atomic(using=using) if postgres else contextlib.nullcontext()
    with block, conn.cursor() as cursor:
        if postgres:
            # These statements are short and their estimated cost is dominated by the probe's
            # per-row estimate: JIT compiling them took longer than running them (seconds).
            cursor.execute("SET LOCAL jit = off")
            # Every text condition here has its GIN index. The planner does not price the
            # reading of TOASTed vectors, so for a rare match it may choose to scan the table
            # and read every entry's vector instead (2.2 s at 100,000 documents, EXPLAIN
            # ANALYZE of `5-NQ/TU` for a leader, against milliseconds through the index).
            cursor.execute("SET LOCAL enable_seqscan = off")
        # One statement reads the ids of the whole window (newest first, ids only): the first
        # RANK_WINDOW are the candidates, the rest only counts. Counting on in a second
        # statement made PostgreSQL intersect and sort the posting lists twice.
        found = _newest(cursor, _visible(compiled, scope), window + 1)
        count, exact = min(len(found), window), len(found) <= window
        more = len(found) > head
        candidates = set(found[:head])
        if compiled.exact and more:
            # Below the first pass there are more matches: the exact ones among them too.
            candidates.update(_newest(cursor, _visible(compiled, scope, exact=True), head))
        scores = _scores(cursor, compiled, scope, sorted(candidates))
    rows = sorted(scores.items(), key=lambda r: (-r[1], -r[0]))
    return Matches(count=count, exact=exact, rows=rows[offset : offset + limit])
