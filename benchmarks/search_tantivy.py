"""Tantivy (tantivy-py) on the search benchmark's corpus: the comparison of issue #5.

Not a benchmark of its own (``bench_search`` calls it on SQLite when the ``bench`` extra is
installed: ``pip install -e .[bench]``). The application never imports Tantivy.

The index holds exactly the entries of the bench's FTS5 table, read back from it: the same
folded and exact tokens (``core.text``, split on spaces by Tantivy's ``whitespace``
tokenizer, so Tantivy never folds or splits on its own), the symbol and issuer fields and the
access tokens as a field of their own. A query is compiled from the same ``ParsedQuery`` as
the FTS5 match expression (``backends._compile_fts5``): each word or phrase on ``folded``, or
on ``exact`` in its marks, or on ``symbol`` for a number/symbol; a prefix as each reading of
``query.prefix_splits``; an exclusion on ``exact`` when typed with marks. The user's access
is the same pair of token sets as in the engines (one of the scope tokens and one of the
secrecy tokens), as required clauses that weigh nothing. Tantivy then does what it does best:
the 20 best by BM25 over *every* match, and the exact count (no window, no cap).

What Tantivy does not do here, and our engines do: the policy's per-match probe (need-to-know,
grants: not tokens), the exact-spelling tier, the re-check of the page and the snippets.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tantivy

from vanthu.search.query import Clause, ParsedQuery, parse, prefix_splits

FIELDS = ("folded", "exact", "symbol", "sender", "access")
WRITER_HEAP = 512 * 1024 * 1024


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    for name in FIELDS:
        builder.add_text_field(
            name,
            tokenizer_name="whitespace",
            index_option="basic" if name == "access" else "position",
        )
    return builder.build()


def build(path: Path, rows: Any, threads: int = 1) -> tuple[int, float]:
    """Index ``rows`` of (id, folded, exact, symbol, sender, access) strings at ``path``.

    One writer thread (the comparison is per core, as FTS5 writes on one), a bounded heap.
    Returns (documents, seconds including the final commit and merges).
    """
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(path))
    writer = index.writer(WRITER_HEAP, threads)
    started = time.monotonic()
    n = 0
    for row in rows:
        doc = tantivy.Document(doc_id=int(row[0]))
        for name, value in zip(FIELDS, row[1:], strict=True):
            doc.add_text(name, value)
        writer.add_document(doc)
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return n, time.monotonic() - started


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class Engine:
    def __init__(self, path: Path) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _phrase(self, field: str, tokens: Sequence[str], prefix: bool = False) -> tantivy.Query:
        if prefix and len(tokens) == 1:
            return tantivy.Query.regex_query(self.schema, field, _regex_prefix(tokens[0]))
        if prefix:
            return tantivy.Query.phrase_prefix_query(self.schema, field, list(tokens))
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, field, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field, list(tokens))

    def _any(self, queries: list[tantivy.Query]) -> tantivy.Query:
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _positive(self, c: Clause) -> tantivy.Query:
        field = {"text": "folded", "symbol": "symbol", "sender": "sender"}[c.column]
        if c.prefix and c.column == "text" and len(c.folded) == 1:
            return self._any(
                [self._phrase("folded", r, prefix=True) for r in prefix_splits(c.folded[0])]
            )
        options = [self._phrase(field, c.folded, c.prefix)]
        if c.column == "text" and c.has_marks and not c.prefix:
            options.append(self._phrase("exact", c.exact))
        if c.symbol_like:
            options.append(self._phrase("symbol", c.folded))
        return self._any(options)

    def _negative(self, c: Clause) -> tantivy.Query:
        if c.column == "text" and c.has_marks:
            return self._phrase("exact", c.exact, c.prefix)
        field = {"text": "folded", "symbol": "symbol", "sender": "sender"}[c.column]
        return self._phrase(field, c.folded, c.prefix)

    def compile(
        self, parsed: ParsedQuery, tokens: Sequence[str], secrecy: Sequence[str]
    ) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [
            (tantivy.Occur.Must, self._positive(c)) for c in parsed.positives
        ]
        clauses += [(tantivy.Occur.MustNot, self._negative(c)) for c in parsed.negatives]
        for group in (tokens, secrecy):
            access = self._any([self._phrase("access", [t]) for t in group])
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(access, 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def search(
        self, q: str, tokens: Sequence[str], secrecy: Sequence[str], limit: int = 20
    ) -> tuple[int, list[int]]:
        """(exact count, ids of the ``limit`` best by BM25) of ``q`` in the user's scope."""
        query = self.compile(parse(q), tokens, secrecy)
        result = self.searcher.search(query, limit, count=True)
        ids = [self.searcher.doc(addr)["doc_id"][0] for _score, addr in result.hits]
        return int(result.count or 0), ids


def _regex_prefix(token: str) -> str:
    # Tokens are runs of lowercase letters and digits (core.text.tokenize): nothing to escape.
    return f"{token}.*"
