"""Registering scans from the queue: corrections kept, bulk rows each in their own transaction."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from vanthu.audit.models import Event
from vanthu.capture.models import ScanBatch, ScanItem
from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import Channel, Direction, Document, DocumentFile, Status

URL = "/api/v1/scan-items/register/"


def _suggested(number: str, issuer: str) -> dict[str, Any]:
    return {
        "number_symbol": {"value": number, "confidence": 0.9},
        "number": {"value": int(number.split("-")[0]), "confidence": 0.9},
        "date": {"value": "2018-03-24", "confidence": 0.95},
        "place": {"value": "Hà Nội", "confidence": 0.8},
        "document_type": {"value": "NQ", "confidence": 0.8},
        "issuer": {"value": issuer, "confidence": 0.45},
        "summary": {"value": "Về công tác cán bộ năm 2018", "confidence": 0.7},
        "secrecy": {"value": None, "confidence": 0.0},
        "urgency": {"value": "urgent", "confidence": 0.9},
    }


def _png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (seed % 255, 200, 200)).save(out, format="PNG")
    return out.getvalue()


def pending(batch: ScanBatch, index: int, *, issuer: str = "TỈNH ỦY") -> Document:
    document = Document.objects.create(
        direction=Direction.INCOMING,
        organization=batch.organization,
        document_type=DocumentType.objects.get(code="CV"),
        secrecy=Secrecy.NONE,
        urgency=Urgency.NORMAL,
        channel=Channel.PAPER,
        page_count=1,
        status=Status.PENDING_REGISTRATION,
        created_by=batch.created_by,
        notes=f"Bản quét từ lô {batch.pk}",
    )
    upload = SimpleUploadedFile(f"scan-{index}.png", _png(index), content_type="image/png")
    f = registry.add_file(actor=batch.created_by, document=document, upload=upload)
    DocumentFile.objects.filter(pk=f.pk).update(
        suggested_fields=_suggested(f"{10 + index}-NQ/TU", issuer)
    )
    ScanItem.objects.create(
        batch=batch,
        organization=batch.organization,
        source_name=f"scan-{index}.png",
        sha256=f"{index:064d}",
        pages=1,
        status=ScanItem.Status.DONE,
        document=document,
    )
    return document


@pytest.fixture
def ctx(city: Any, make_user: Any) -> Any:
    clerk = make_user(username="vt_reg", organization=city.tu, roles=["clerk"])
    batch = ScanBatch.objects.create(
        organization=city.tu, created_by=clerk, source="upload", source_path="x"
    )
    docs = [pending(batch, i) for i in range(3)]
    client = APIClient()
    client.force_authenticate(clerk)
    return type(
        "Ctx", (), {"city": city, "clerk": clerk, "batch": batch, "docs": docs, "api": client}
    )


def _row(document: Document, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": document.pk,
        "number_symbol": "15-NQ/TU",
        "issued_date": "24/03/2018",
        "document_type": "NQ",
        "sender": "Tỉnh ủy Bắc Ninh",
        "summary": "Về công tác cán bộ năm 2018",
        "secrecy": "none",
        "urgency": "urgent",
    }
    row.update(changes)
    return row


def _snapshot() -> tuple[Any, ...]:
    return (
        sorted(Document.objects.values_list("pk", "status", "number")),
        sorted(DocumentFile.objects.values_list("pk", "document_id")),
        sorted(ScanItem.objects.values_list("pk", "document_id", "registered_at")),
        Event.objects.count(),
    )


def test_corrected_fields_are_registered_and_the_correction_is_kept(ctx: Any) -> None:
    doc = ctx.docs[0]
    file_id = doc.files.get().pk
    [result] = ctx.api.post(URL, [_row(doc)], format="json").json()
    assert result["status"] == 201 and result["number"] is not None
    registered = Document.objects.get(pk=result["document"])
    assert registered.status == Status.NEW
    assert registered.sender == "Tỉnh ủy Bắc Ninh"
    assert registered.issued_date == datetime.date(2018, 3, 24)
    assert registered.document_type.code == "NQ"
    assert registered.urgency == Urgency.URGENT
    assert registered.page_count == 1
    # The scan, its file and its item now belong to the numbered document; the pending one is
    # gone from the queue.
    assert DocumentFile.objects.get(pk=file_id).document_id == registered.pk
    item = ScanItem.objects.get(document=registered)
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert item.suggested["sender"] == {"value": "TỈNH ỦY", "confidence": 0.45}
    assert item.registered["sender"] == "Tỉnh ủy Bắc Ninh"
    assert item.registered_by == ctx.clerk
    event = Event.objects.get(action="capture.scan.registered")
    assert event.details["changed"] == ["number_symbol", "sender"]
    report = {r["field"]: r for r in ctx.api.get("/api/v1/scan-items/accuracy/").json()}
    assert (report["sender"]["unchanged"], report["sender"]["total"]) == (0, 1)
    assert (report["summary"]["unchanged"], report["summary"]["total"]) == (1, 1)
    assert report["issued_date"]["share"] == 1.0
    assert report["number_symbol"]["share"] == 0.0


def test_bulk_rows_each_alone_good_ones_get_consecutive_numbers(ctx: Any) -> None:
    a, b, c = ctx.docs
    before_b = (Document.objects.get(pk=b.pk).status, b.files.get().document_id)
    rows = [_row(a), _row(b, summary="", issued_date="31/02/2018", document_type="XX"), _row(c)]
    results = ctx.api.post(URL, rows, format="json").json()
    assert [r["status"] for r in results] == [201, 400, 201]
    assert results[2]["number"] == results[0]["number"] + 1
    errors = results[1]["errors"]
    assert errors["summary"] == ["Trích yếu không được để trống."]
    assert errors["issued_date"] == ["Ngày văn bản không hợp lệ (dạng dd/mm/yyyy)."]
    assert errors["document_type"] == ["Không có loại văn bản này."]
    # Nothing of the bad row is stored.
    assert (Document.objects.get(pk=b.pk).status, b.files.get().document_id) == before_b
    assert ScanItem.objects.get(document_id=b.pk).registered_at is None
    assert Document.objects.filter(status=Status.NEW).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"secrecy": "secret"}, "secrecy", "Bản quét được lưu không mã hóa"),
        ({"secrecy": "bogus"}, "secrecy", "Độ mật không hợp lệ."),
        ({"urgency": "soon"}, "urgency", "Độ khẩn không hợp lệ."),
        ({"sender": ""}, "sender", "Phải ghi cơ quan ban hành"),
        ({"document_type": ""}, "document_type", "Phải chọn loại văn bản."),
        ({"issued_date": "2099-01-01"}, "issued_date", "Ngày văn bản không được ở tương lai."),
        ({"number_symbol": "1" * 101}, "number_symbol", "Số, ký hiệu dài quá 100 ký tự."),
    ],
)
def test_bad_field_is_refused_with_its_message_and_nothing_changes(
    ctx: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    before = _snapshot()
    [result] = ctx.api.post(URL, [_row(ctx.docs[0], **changes)], format="json").json()
    assert result["status"] == 400
    assert result["errors"][field][0].startswith(message)
    assert _snapshot() == before


def test_future_date_typed_today_or_earlier_is_accepted(ctx: Any) -> None:
    today = timezone.localdate().strftime("%d/%m/%Y")
    [result] = ctx.api.post(URL, [_row(ctx.docs[0], issued_date=today)], format="json").json()
    assert result["status"] == 201


def test_item_of_another_org_or_not_pending_is_the_same_404(
    ctx: Any, city: Any, make_user: Any
) -> None:
    other = make_user(username="vt_du1", organization=city.du1, roles=["clerk"])
    client = APIClient()
    client.force_authenticate(other)
    before = _snapshot()
    hidden = client.post(URL, [_row(ctx.docs[0])], format="json").json()
    missing = client.post(URL, [_row(ctx.docs[0], id=987654)], format="json").json()
    assert hidden[0]["status"] == missing[0]["status"] == 404
    assert hidden[0]["errors"] == missing[0]["errors"]
    assert _snapshot() == before
    # Registered once; the second time it is no longer pending.
    first = ctx.api.post(URL, [_row(ctx.docs[1]), _row(ctx.docs[1])], format="json").json()
    assert [r["status"] for r in first] == [201, 404]


def test_not_a_clerk_is_refused(ctx: Any, make_user: Any, city: Any) -> None:
    reader = make_user(username="cv_reg", organization=city.tu, roles=["specialist"])
    # A specialist who can see the pending document (participant) still may not register it.
    ScanBatch.objects.filter(pk=ctx.batch.pk).update(created_by=reader)
    Document.objects.filter(pk=ctx.docs[0].pk).update(created_by=reader)
    client = APIClient()
    client.force_authenticate(reader)
    before = _snapshot()
    [result] = client.post(URL, [_row(ctx.docs[0])], format="json").json()
    assert result["status"] == 403, result
    assert _snapshot() == before


@pytest.mark.parametrize(
    "payload",
    [{"id": 1}, "text", [], [1, 2], {"items": "x"}],
)
def test_bad_payload_is_a_field_error(ctx: Any, payload: Any) -> None:
    before = _snapshot()
    response = ctx.api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "items" in response.json()
    assert _snapshot() == before


def test_row_without_id_is_a_row_error(ctx: Any) -> None:
    row = _row(ctx.docs[0])
    row["id"] = "abc"
    [result] = ctx.api.post(URL, [row], format="json").json()
    assert result == {"id": "abc", "status": 400, "errors": {"id": ["Thiếu hoặc sai mã văn bản."]}}


def test_accuracy_counts_only_visible_items(ctx: Any, city: Any, make_user: Any) -> None:
    ctx.api.post(URL, [_row(ctx.docs[0])], format="json")
    other = make_user(username="vt_du2", organization=city.du2, roles=["clerk"])
    client = APIClient()
    client.force_authenticate(other)
    report = client.get("/api/v1/scan-items/accuracy/").json()
    assert {r["total"] for r in report} == {0}
    assert {r["share"] for r in report} == {None}


# --- web page -------------------------------------------------------------------------------


def _form(docs: list[Document], **per_doc: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"ids": [str(d.pk) for d in docs]}
    for d in docs:
        for key, value in _row(d, **per_doc.get(str(d.pk), {})).items():
            if key != "id":
                data[f"f-{d.pk}-{key}"] = value
    return data


def test_page_shows_suggestions_with_confidence(ctx: Any, client: Any) -> None:
    client.force_login(ctx.clerk)
    page = client.get(f"/so-hoa/lo/{ctx.batch.pk}/vao-so/").content.decode()
    assert 'value="24/03/2018"' in page
    assert 'value="10-NQ/TU"' in page
    assert "gợi ý, tin cậy 45 %" in page
    assert "Vào sổ tất cả các dòng đã đủ" in page


def test_page_registers_complete_rows_and_shows_row_errors(ctx: Any, client: Any) -> None:
    _a, b, c = ctx.docs
    client.force_login(ctx.clerk)
    data = _form(
        ctx.docs,
        **{str(b.pk): {"issued_date": "32/13/2018"}, str(c.pk): {"summary": ""}},
    )
    data["all"] = "1"
    page = client.post("/so-hoa/vao-so/", data).content.decode()
    # a registered; b complete but wrong date → its error in its row; c incomplete → skipped.
    assert Document.objects.filter(status=Status.NEW).count() == 1
    assert "Đã vào sổ 1 văn bản" in page
    assert "Ngày văn bản không hợp lệ (dạng dd/mm/yyyy)." in page
    assert 'value="32/13/2018"' in page  # the clerk's typing is kept
    assert (
        Document.objects.filter(pk__in=[b.pk, c.pk], status=Status.PENDING_REGISTRATION).count()
        == 2
    )


def test_page_enter_registers_only_that_row(ctx: Any, client: Any) -> None:
    a, b, _c = ctx.docs
    client.force_login(ctx.clerk)
    data = _form(ctx.docs)
    data["only"] = str(b.pk)
    client.post("/so-hoa/vao-so/", data)
    assert not Document.objects.filter(pk=b.pk).exists()
    assert Document.objects.filter(pk=a.pk, status=Status.PENDING_REGISTRATION).exists()


def test_page_of_another_users_batch_is_404(
    ctx: Any, client: Any, make_user: Any, city: Any
) -> None:
    other = make_user(username="vt_x", organization=city.du1, roles=["clerk"])
    client.force_login(other)
    assert client.get(f"/so-hoa/lo/{ctx.batch.pk}/vao-so/").status_code == 404
