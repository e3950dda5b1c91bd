"""The query language: parsed by our parser, never passed to an engine raw (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanthu.search import snippets
from vanthu.search.query import MAX_QUERY_CHARS, QueryError, parse, prefix_splits


def test_words_are_folded_and_keep_their_exact_form() -> None:
    parsed = parse("Đảng uỷ")
    assert [c.folded for c in parsed.clauses] == [("dang",), ("uy",)]
    assert [c.exact for c in parsed.clauses] == [("đảng",), ("ủy",)]
    assert all(c.has_marks for c in parsed.clauses)


def test_old_and_new_tone_placement_parse_alike() -> None:
    assert parse("hoá").clauses[0].exact == parse("hóa").clauses[0].exact == ("hóa",)


def test_phrase_exclusion_prefix_and_fields() -> None:
    parsed = parse('"ban chấp hành" -dự vănth* so:05-NQ/TU loai:NQ coquan:"Ban Tuyên giáo"')
    phrase, excluded, prefix, number, sender = parsed.clauses
    assert phrase.folded == ("ban", "chap", "hanh") and not phrase.negated
    assert excluded.negated and excluded.folded == ("du",)
    assert prefix.prefix and prefix.folded == ("vanth",)
    assert number.column == "symbol" and number.folded == ("5", "nq", "tu")
    assert sender.column == "sender" and sender.folded == ("ban", "tuyen", "giao")
    assert parsed.types == ("nq",)


@pytest.mark.parametrize("raw", ["5-NQ/TU", "05-NQ/TU", "05 - NQ / TU", "005-nq/tu"])
def test_number_symbols_match_with_or_without_padding_and_spaces(raw: str) -> None:
    (clause,) = parse(raw).clauses
    assert clause.folded == ("5", "nq", "tu")
    assert clause.symbol_like


def test_a_lone_minus_after_a_space_still_excludes() -> None:
    parsed = parse("nghị quyết -05")
    assert parsed.negatives[0].folded == ("5",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Hãy nhập từ cần tìm."),
        ("   ", "Hãy nhập từ cần tìm."),
        ("* ^ : ( )", "Hãy nhập từ cần tìm."),
        ('"ban chấp hành', "Thiếu dấu ngoặc kép"),
        ("-mật", "không chỉ các từ loại trừ"),
        ("x" * 10_000, "quá dài"),
        ("v*", "ít nhất 2 chữ"),
        (" ".join(["từ"] * 40), "quá nhiều từ"),
    ],
)
def test_queries_that_cannot_be_understood_get_a_vietnamese_message(raw: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(raw)


@pytest.mark.parametrize(
    "raw",
    [
        'NEAR(a b) OR "x',
        "a* OR b:c ^d",
        "'; DROP TABLE search_index; --",
        "x\x00y\x07z",
        "bad \ud800 surrogate",
        "folded:mật exact:mất",
        "\"\" '' ``",
    ],
)
def test_engine_and_sql_syntax_become_plain_words(raw: str) -> None:
    try:
        parsed = parse(raw)
    except QueryError:
        return
    for clause in parsed.clauses:
        for token in (*clause.folded, *clause.exact):
            assert token.isalnum(), token


@given(st.text(max_size=MAX_QUERY_CHARS))
def test_any_text_parses_or_gets_a_message(raw: str) -> None:
    try:
        parsed = parse(raw)
    except QueryError as exc:
        assert str(exc)
        return
    assert parsed.clauses or parsed.types
    for clause in parsed.clauses:
        assert all(t.isalnum() for t in clause.folded)


def test_prefix_readings_split_into_syllables() -> None:
    assert ("van", "th") in prefix_splits("vanth")
    assert prefix_splits("vanth")[0] == ("vanth",)


def test_snippet_marks_accent_free_matches_and_escapes_the_rest() -> None:
    marks = snippets.pattern(parse("dang uy 5").clauses)
    html = snippets.highlight("<b>Đảng ủy</b> phường, số 05", marks)
    assert html == "&lt;b&gt;<mark>Đảng</mark> <mark>ủy</mark>&lt;/b&gt; phường, số <mark>05</mark>"
    assert snippets.highlight("không khớp", marks) is None
