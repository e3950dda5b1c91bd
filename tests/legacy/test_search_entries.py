"""What an import writes: search entries found at once and equal to what a re-index writes,
and rows equal to what Django's bulk_create stores (the import's cheaper paths, issue 10)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.legacy.conftest import client_for, incoming_rows, write_xlsx
from vanthu.core.text import encode_legacy
from vanthu.legacy import services
from vanthu.legacy.inserting import insert_documents
from vanthu.legacy.services import import_register
from vanthu.orgs.models import DocumentType
from vanthu.registry.models import Channel, Direction, Document, Register, Status
from vanthu.search import backends, indexing, query

# Vietnamese letters in both tone placements, combining marks, đ/ð, digits, punctuation, the
# separators nfc() rewrites or removes, and plenty of spaces.
_ALPHABET = st.sampled_from(
    [
        *"aăâeêioôơuưyđðAĐ ÓÒẢÃẠóòảãạờởỡợứừửữựỷỳỹýỵbCqQ0123456789-/.,;:_'\"",
        *["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u00a0", "\u200b", "\r\n", "\t"],
        *["\x0b", "\x1f", "\x7f", "ß", "Ǆ", "٣", "0" * 70, "Hoà"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_tokens_piece_by_piece_equal_the_tokens_of_the_whole_text(text: str) -> None:
    assert indexing._tokens([text]) == indexing._tokens([text])  # once to fill the cache
    limit = query.MAX_TOKEN_CHARS
    whole = (
        [t for t in query.folded_tokens(text) if len(t) <= limit],
        [t for t in query.exact_tokens(text) if len(t) <= limit],
    )
    assert indexing._tokens([text]) == whole


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40))
def test_the_ascii_shortcut_gives_the_same_tokens(text: str) -> None:
    tokens = query.folded_tokens(text)
    assert indexing._ascii_tokens(text) == tokens == query.exact_tokens(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "dang", "o'c", "x\\y", "15", "ủy"]), max_size=300))
def test_the_cached_tsvector_is_the_same_literal(tokens: list[str]) -> None:
    assert backends.tsvector_cached(tokens) == backends.tsvector(tokens)
    assert backends.tsvector_cached(tokens) == backends.tsvector(tokens)


def test_the_cached_tsvector_keeps_the_position_limits() -> None:
    tokens = ["a", "b", "c"] * 6000  # positions above 16383 and lexemes above 256 positions
    assert backends.tsvector_cached(tokens) == backends.tsvector(tokens)


def _index_rows(ids: list[int]) -> list[tuple[Any, ...]]:
    col = backends.id_column()
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {col}, folded, exact, symbol, sender, access FROM {backends.TABLE} "  # noqa: S608
            f"WHERE {col} IN ({marks}) ORDER BY {col}",
            ids,
        )
        return [tuple(str(v) for v in row) for row in cursor.fetchall()]


def test_imported_entries_equal_what_a_reindex_writes(
    clerk: Any, city: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 5: on PostgreSQL written by the storing thread while the next is judged, each
    # chunk's entries streamed by COPY as they are built (legacy/storing.py).
    monkeypatch.setattr(services, "CHUNK", 5)
    rows = incoming_rows(12)
    # Issuers matched to a known organisation (its name goes into the entry), TCVN3 cells,
    # notes and recipients, and a type named in its own column.
    rows[0][2] = city.du2.name
    rows[1][2] = encode_legacy("Ủy ban nhân dân tỉnh", "tcvn3")
    rows[1][5] = encode_legacy("Quyết định về thi đua khen thưởng", "tcvn3")
    rows[2][7] = "Đã chuyển đồng chí Bí thư"
    rows[3][5] = "Hướng dẫn tổ chức đại hội chi bộ  nhiệm kỳ 2020–2025"
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    result = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    assert result.taken == 12
    ids = list(
        Document.objects.filter(register_id=result.register_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert Document.objects.get(pk=ids[0]).sender_organization_id == city.du2.pk
    imported = _index_rows(ids)
    assert [int(r[0]) for r in imported] == ids
    assert indexing.index_documents(ids) == 12
    assert _index_rows(ids) == imported


def test_imported_rows_are_found_by_search_right_after_the_import(
    clerk: Any, tmp_path: Path
) -> None:
    rows = incoming_rows(3)
    rows[1][2] = encode_legacy("Văn phòng Tỉnh ủy", "tcvn3")
    rows[1][5] = encode_legacy("Công văn về kiểm tra, giám sát chi bộ Thủ Thiêm", "tcvn3")
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    doc = Document.objects.get(number_symbol="102-CV/BTCTW")
    client = client_for(clerk)
    for q in ("thủ thiêm", "thu thiem", "so:102-CV/BTCTW", "coquan:tinh uy"):
        found = client.get("/api/v1/search/", {"q": q})
        assert found.status_code == 200, found.content
        assert [hit["id"] for hit in found.json()["results"]] == [doc.pk], q


def test_the_chunk_insert_stores_what_bulk_create_stores(clerk: Any) -> None:
    organization = clerk.organization
    kinds = list(DocumentType.objects.order_by("pk")[:2])

    def register() -> Register:
        return Register.objects.create(
            organization=organization,
            direction=Direction.INCOMING,
            series=Register.Series.ORDINARY,
            scope=Register.Scope.ALL_TYPES,
            period=Register.Period.YEAR,
            symbol_format=Register.SymbolFormat.STATE,
            name="Sổ nhập thử",
            is_default=False,
            closed=True,
        )

    def documents(into: Register) -> list[Document]:
        return [
            Document(
                direction=Direction.INCOMING,
                organization=organization,
                register=into,
                created_by=clerk,
                number=i + 1,
                period_key="2019",
                number_symbol=f"{i + 1}-CV/BTCTW" if i else "",
                document_type=kinds[i % 2],
                issued_date=datetime.date(2019, 3, i + 1) if i % 2 else None,
                summary=f"Công văn về công tác cán bộ số {i}",
                signer="Nguyễn Văn A" if i % 2 else "",
                received_at=timezone.make_aware(datetime.datetime(2019, 3, i + 2)),
                page_count=i or None,
                channel=Channel.PAPER,
                sender="Ủy ban nhân dân tỉnh",
                sender_organization_id=organization.pk if i == 2 else None,
                status=Status.DONE,
                notes=f"Nhập từ sổ cũ: so.xlsx, dòng {i + 3}.",
            )
            for i in range(5)
        ]

    ours, django_s = documents(register()), documents(register())
    insert_documents(ours, ours[0].register)
    Document.objects.bulk_create(django_s)
    assert all(d.pk is not None and not d._state.adding for d in ours)

    def stored(docs: list[Document]) -> list[dict[str, Any]]:
        skip = {"id", "register_id", "created_at", "updated_at"}
        rows = Document.objects.filter(pk__in=[d.pk for d in docs]).order_by("pk").values()
        return [{k: v for k, v in row.items() if k not in skip} for row in rows]

    assert stored(ours) == stored(django_s)
    assert [Document.objects.get(pk=d.pk).summary for d in ours] == [d.summary for d in ours]


def test_the_chunk_insert_refuses_rows_of_another_register(clerk: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(2))
    result = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    register = Register.objects.get(pk=result.register_id)
    stray = Document.objects.filter(register=register).first()
    assert stray is not None
    before = Document.objects.count()
    stray.pk = None
    stray.register_id = register.pk + 1000
    with pytest.raises(ValueError, match="register"):
        insert_documents([stray], register)
    assert Document.objects.count() == before
