"""The shared keyset cursor (``core.keyset``): the codec reads every spelling a list ever wrote,
refuses what is not a cursor, and the "after" condition keeps the row comparison that
PostgreSQL uses as an index start wherever it is exact."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan

from vanthu.core.keyset import (
    BadCursor,
    decode_cursor,
    decode_values,
    encode_cursor,
    later_than,
    order_keys,
)
from vanthu.records.models import Dossier
from vanthu.registry.models import Document
from vanthu.registry.selectors import INCOMING_ORDER, OUTGOING_ORDER


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_the_codec_round_trips_and_writes_no_padding() -> None:
    values = ["2025", None, 42, datetime.date(2025, 3, 1)]
    token = encode_cursor(values)
    assert "=" not in token
    assert decode_values(token) == ["2025", None, 42, "2025-03-01"]


def test_both_spellings_of_a_letter_decode_the_same() -> None:
    # The registry has always written ASCII JSON (\u escapes), the archive UTF-8: clients hold
    # cursors of both, and either list reads either.
    values = ["Hồ sơ Đảng ủy", 7]
    ascii_token = encode_cursor(values, ensure_ascii=True)
    utf8_token = encode_cursor(values)
    assert ascii_token != utf8_token
    assert ascii_token == _b64(json.dumps(values, separators=(",", ":")))
    assert utf8_token == _b64(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
    assert decode_values(ascii_token) == decode_values(utf8_token) == values


@pytest.mark.parametrize(
    "token",
    [
        "",
        "A" * 2001,
        "!!!!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8
        _b64("not json"),
        _b64('{"a": 1}'),  # JSON, not a list
        _b64("3"),
    ],
)
def test_what_is_not_a_cursor_is_refused(token: str) -> None:
    with pytest.raises(BadCursor):
        decode_values(token)


def test_the_length_limit_is_the_lists_own() -> None:
    token = encode_cursor(["x" * 400])
    assert decode_values(token) == ["x" * 400]
    with pytest.raises(BadCursor):
        decode_values(token, 400)


@pytest.mark.django_db
def test_typed_decoding_follows_the_columns() -> None:
    keys = order_keys(Dossier.objects.order_by("end_date", "code", "pk"))
    assert decode_cursor(encode_cursor([datetime.date(2024, 1, 2), "A|1", 5]), keys) == [
        datetime.date(2024, 1, 2),
        "A|1",
        5,
    ]
    for bad in (
        ["2024-13-40", "A", 5],  # not a date
        [None, None, 5],  # code is NOT NULL
        ["2024-01-02", "A", True],  # a boolean is not an id
        ["2024-01-02", "A"],  # too short
    ):
        with pytest.raises(BadCursor, match=r"^Con trỏ trang không hợp lệ\.$"):
            decode_cursor(encode_cursor(bad), keys)


def test_order_keys_reads_an_explicit_nulls_position_only_when_asked() -> None:
    qs = Document.objects.order_by(*INCOMING_ORDER)
    keys = order_keys(qs, explicit_nulls=True)
    assert [(k.name, k.descending, k.nulls_first) for k in keys] == [
        ("period_key", True, None),
        ("number", True, True),
        ("pk", True, None),
    ]
    # NULLS FIRST holds on either database, whatever its default.
    assert not keys[1].nulls_last(True) and not keys[1].nulls_last(False)
    with pytest.raises(ImproperlyConfigured):
        order_keys(qs)
    with pytest.raises(ImproperlyConfigured, match="primary key"):
        order_keys(Document.objects.order_by("-period_key"))


def _sql(condition: Any) -> str:
    return str(Document.objects.filter(condition).query)


@pytest.mark.parametrize("nulls_largest", [True, False])
def test_a_numbered_cursor_is_one_row_comparison(nulls_largest: bool) -> None:
    keys = order_keys(Document.objects.order_by(*INCOMING_ORDER), explicit_nulls=True)
    condition = later_than(keys, ("2025", 12, 99), nulls_largest, row_value=True)
    assert isinstance(condition, TupleLessThan)
    if connection.vendor == "postgresql":  # SQLite's backend spells a row value out as ORs
        where = _sql(condition).split("WHERE", 1)[1]
        assert '("registry_document"."period_key", "registry_document"."number", ' in where
        assert " OR " not in where and "IS NULL" not in where
    # Without row values the same position is the OR of its columns.
    spelled = later_than(keys, ("2025", 12, 99), nulls_largest)
    assert isinstance(spelled, Q)
    assert _sql(spelled).split("WHERE", 1)[1].count(" OR ") == 2


def test_an_unnumbered_cursor_takes_the_rest_of_its_period_then_the_numbered() -> None:
    keys = order_keys(Document.objects.order_by(*INCOMING_ORDER), explicit_nulls=True)
    where = _sql(later_than(keys, ("2025", None, 99), True, row_value=True)).split("WHERE", 1)[1]
    assert where.count(" OR ") == 2
    assert '"number" IS NOT NULL' in where and '"number" IS NULL' in where


def test_no_row_comparison_where_a_null_sorts_after_a_value() -> None:
    keys = order_keys(Dossier.objects.order_by("end_date", "pk"))
    moment = datetime.date(2024, 1, 1)
    # ASC on PostgreSQL puts NULL last: a row comparison would drop those rows.
    condition = later_than(keys, (moment, 3), True, row_value=True)
    assert isinstance(condition, Q)
    assert '"end_date" IS NULL' in str(Dossier.objects.filter(condition).query)
    # The same order on SQLite (NULL first) is exact as a row comparison.
    assert isinstance(later_than(keys, (moment, 3), False, row_value=True), TupleGreaterThan)


def test_outgoing_order_keeps_its_two_branches() -> None:
    keys = order_keys(Document.objects.order_by(*OUTGOING_ORDER))
    moment = datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.UTC)
    where = _sql(later_than(keys, (moment, 7), True)).split("WHERE", 1)[1]
    assert where.count(" OR ") == 1 and "created_at" in where
