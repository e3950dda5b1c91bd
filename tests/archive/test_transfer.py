"""Nộp lưu: the due list, handing in closed dossiers, acceptance by the archivist."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import URLPattern

from tests.records.conftest import Office, client_for
from vanthu.archive import api_urls as archive_urls
from vanthu.archive import selectors, services
from vanthu.archive.models import Transfer, TransferItem
from vanthu.records import api_urls as records_urls
from vanthu.records import services as records
from vanthu.records.models import Dossier


def closed(office: Office, code: str, *, ended: datetime.date, **data: Any) -> Dossier:
    dossier = office.dossier(code=code, **data)
    records.add_document(
        actor=office.clerk, dossier=dossier, document=office.document(issued=ended)
    )
    return records.close_dossier(actor=office.clerk, dossier=dossier)


def test_due_date_is_one_year_after_the_work_ended(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 3, 10))
    assert services.due_date(dossier) == datetime.date(2026, 3, 10)
    leap = Dossier(end_date=datetime.date(2024, 2, 29))
    assert services.due_date(leap) == datetime.date(2025, 2, 28)


def test_due_list_holds_closed_dossiers_kept_five_years_or_more(office: Office) -> None:
    today = datetime.date(2026, 6, 1)
    soon = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    later = closed(office, "02.VP", ended=datetime.date(2026, 1, 5), retention_years=10)
    closed(office, "03.VP", ended=datetime.date(2025, 1, 1), retention_years=2)
    closed(office, "04.VP", ended=datetime.date(2025, 1, 1), retention_code="until_invalid")
    office.dossier(code="05.VP")  # still open
    everything = selectors.transfer_due(office.clerk, today=today)
    assert list(everything) == [soon, later]
    reminders = selectors.transfer_due(office.clerk, due_within="30", today=today)
    assert list(reminders) == [soon]
    assert not selectors.transfer_due(office.clerk, due_within="abc", today=today).exists()
    assert not selectors.transfer_due(office.outsider, today=today).exists()


def test_hand_in_then_accept(office: Office) -> None:
    one = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    two = closed(office, "02.VP", ended=datetime.date(2025, 9, 1), retention_years=20)
    transfer = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[one, two]
    )
    assert transfer.title == "Hồ sơ, tài liệu năm 2026"
    assert not selectors.transfer_due(office.clerk).exists()
    with pytest.raises(PermissionDenied):
        services.accept_transfer(actor=office.clerk, transfer=transfer)
    accepted = services.accept_transfer(
        actor=office.archivist, transfer=transfer, note="Đủ hồ sơ, tình trạng tốt"
    )
    assert accepted.status == Transfer.Status.ACCEPTED
    rows = selectors.transfer_rows(office.archivist, accepted)
    assert [r["code"] for r in rows] == ["01.VP", "02.VP"]
    record = selectors.handover_record(accepted, rows)
    assert record["dossier_count"] == 2 and record["condition"] == "Đủ hồ sơ, tình trạng tốt"
    assert record["received_by_person"] == str(office.archivist)
    with pytest.raises(ValidationError):
        services.accept_transfer(actor=office.archivist, transfer=transfer)
    with pytest.raises(ValidationError) as err:
        records.reopen_dossier(actor=office.leader, dossier=one, reason="Bổ sung")
    assert err.value.message_dict["dossier"] == [
        "Hồ sơ đã nộp lưu, không mở lại được. (NĐ 30/2020 Điều 30: hồ sơ nộp lưu trong 01 năm "
        "từ khi công việc kết thúc)"
    ]


def test_bad_transfers_are_refused_and_nothing_is_stored(office: Office) -> None:
    ok = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    short = closed(office, "02.VP", ended=datetime.date(2025, 6, 20), retention_years=3)
    still_open = office.dossier(code="03.VP")
    for dossiers, fragment in (
        ([], "ít nhất"),
        ([still_open], "chưa kết thúc"),
        ([short], "dưới 05 năm"),
        ([ok, ok], "hai lần"),
    ):
        with pytest.raises(ValidationError) as err:
            services.create_transfer(actor=office.clerk, organization=office.org, dossiers=dossiers)
        assert fragment in " ".join(err.value.message_dict["dossiers"])
    with pytest.raises(Http404):
        services.create_transfer(actor=office.outsider, organization=office.org, dossiers=[ok])
    assert not Transfer.objects.exists() and not TransferItem.objects.exists()
    services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[ok])
    with pytest.raises(ValidationError) as twice:
        services.create_transfer(actor=office.clerk, organization=office.org, dossiers=[ok])
    assert "đã được nộp lưu" in twice.value.message_dict["dossiers"][0]
    assert Transfer.objects.count() == 1


def test_a_returned_transfer_frees_its_dossiers(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    transfer = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[dossier]
    )
    with pytest.raises(ValidationError):
        services.return_transfer(actor=office.archivist, transfer=transfer, reason=" ")
    services.return_transfer(actor=office.archivist, transfer=transfer, reason="Thiếu mục lục")
    again = services.create_transfer(
        actor=office.clerk, organization=office.org, dossiers=[dossier]
    )
    assert again.items.get().dossier == dossier


def test_transfer_calls_and_no_leak(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    secret = office.dossier(code="02.VP", title="Hồ sơ nhân sự mật")
    records.add_document(
        actor=office.clerk,
        dossier=secret,
        document=office.document(secrecy="secret", summary="Nhân sự"),
    )
    records.close_dossier(actor=office.clerk, dossier=secret)
    clerk = client_for(office.clerk)
    due = clerk.get("/api/v1/transfers/due/").json()
    assert [d["code"] for d in due["results"]] == ["01.VP", "02.VP"]
    assert due["results"][0]["due_date"] == "2026-06-20"
    assert client_for(office.specialist).get("/api/v1/transfers/due/").json()["count"] == 1
    missing = clerk.post("/api/v1/transfers/", {"dossiers": [99999999]}, format="json")
    hidden = client_for(office.specialist).post(
        "/api/v1/transfers/", {"dossiers": [secret.pk]}, format="json"
    )
    assert missing.status_code == hidden.status_code == 404
    made = clerk.post(
        "/api/v1/transfers/", {"dossiers": [dossier.pk], "title": "Hồ sơ năm 2025"}, format="json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["dossiers"][0]["code"] == "01.VP"
    assert clerk.post(f"/api/v1/transfers/{pk}/accept/", {}, format="json").status_code == 403
    archivist = client_for(office.archivist)
    accepted = archivist.post(f"/api/v1/transfers/{pk}/accept/", {"note": "Tốt"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["handover"]["dossier_count"] == 1
    assert client_for(office.outsider).get(f"/api/v1/transfers/{pk}/").status_code == 404
    assert client_for(office.outsider).get("/api/v1/transfers/").json()["count"] == 0


def schema_path(route: str) -> str:
    # drf-spectacular names ``pk`` ``id`` and keeps every other converter's name.
    named = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{%s}" % ("id" if m[1] == "pk" else m[1]), route)
    return f"/api/v1/{named}"


@pytest.mark.once
def test_transfer_calls_are_in_the_openapi_schema(office: Office) -> None:
    """Issue 7, "done when": every call of the archive and records API is in the schema, each
    with a 2xx answer (a body or a file type)."""
    paths = client_for(office.clerk).get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("/api/v1/transfers/", "/api/v1/transfers/due/", "/api/v1/transfers/{id}/accept/"):
        assert path in paths, path
    routes = [
        str(p.pattern)
        for module in (archive_urls, records_urls)
        for p in module.urlpatterns
        if isinstance(p, URLPattern)
    ]
    assert len(routes) > 40  # both apps' calls, not an empty walk
    for route in routes:
        path = schema_path(route)
        assert path in paths, path
        calls = {m: c for m, c in paths[path].items() if m in ("get", "post", "put", "delete")}
        assert calls, path
        for method, call in calls.items():
            assert [c for c in call["responses"] if c.startswith("2")], (method, path)
