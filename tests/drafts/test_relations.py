"""Replacement (thay thế), correction (đính chính) and recall (thu hồi) of issued documents, as
the issuer and the recipients inside the installation see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.drafts.conftest import client_for, post, upload
from vanthu.audit.models import Event
from vanthu.drafts.models import DocumentRelation
from vanthu.registry.models import Document


def _relations() -> tuple[int, int]:
    return (
        DocumentRelation.objects.count(),
        Event.objects.filter(action__startswith="drafts.relation").count(),
    )


def _copy_of(doc: dict[str, Any], org: Any) -> Document:
    return Document.objects.get(source_document_id=doc["id"], organization=org)


def test_end_to_end_draft_to_recall_seen_by_the_recipient(
    people: Any, draft: Any, city: Any, settings: Any
) -> None:
    """v1 → review → v2 → initials → approval → issue → send → recall → "Đã thu hồi" at DU1."""
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    doc = draft()
    url = f"/api/v1/outgoing/{doc['id']}"
    assert upload(people.drafter, doc["id"], comment="Lần 1").status_code == 201
    review = {"verdict": "agree_with_changes", "opinion": "Bổ sung thời gian"}
    assert post(people.reviewer, f"{url}/reviews/", review).status_code == 201
    assert upload(people.drafter, doc["id"], comment="Lần 2").status_code == 201
    assert post(people.drafter, f"{url}/initial/", {"role": "drafter"}).status_code == 201
    assert post(people.head, f"{url}/initial/", {"role": "unit_head"}).status_code == 201
    assert post(people.head, f"{url}/approve/").status_code == 201
    assert post(people.clerk, f"{url}/issue/").status_code == 200
    assert post(people.clerk, f"{url}/send/").status_code == 200
    copy = _copy_of(doc, city.du1)
    web = Client()
    web.force_login(people.clerk_du1)
    before = web.get(f"/van-ban/den/{copy.pk}/").content.decode()
    assert "Đã thu hồi" not in before

    recalled = post(people.clerk, f"{url}/recall/", {"reason": "Ban hành chưa đúng thẩm quyền"})
    assert recalled.status_code == 201, recalled.content
    assert recalled.json()[0]["kind"] == "recalls"

    seen = client_for(people.clerk_du1)
    assert seen.get(f"/api/v1/incoming/{copy.pk}/").json()["status_note"] == "recalled"
    listed = {d["id"]: d["status_note"] for d in seen.get("/api/v1/incoming/").json()["results"]}
    assert listed[copy.pk] == "recalled"
    page = web.get(f"/van-ban/den/{copy.pk}/").content.decode()
    assert "Đã thu hồi" in page
    assert "Ban hành chưa đúng thẩm quyền" in page
    notices = seen.get("/api/v1/document-notices/").json()["results"]
    assert [(n["id"], n["status_note"]) for n in notices] == [(copy.pk, "recalled")]
    issuer = client_for(people.clerk).get(f"{url}/").json()
    assert issuer["status_note"] == "recalled"
    # The other recipient is told too; someone outside sees nothing of it.
    assert client_for(people.clerk_du2).get("/api/v1/document-notices/").json()["count"] == 1
    assert client_for(people.uncleared).get("/api/v1/document-notices/").json()["count"] == 0


def test_replacement_links_both_ways_and_marks_the_recipient_copy(
    people: Any, issued: Any, city: Any
) -> None:
    old, new = issued(), issued(summary="V/v tổ chức hội nghị (thay thế)")
    answer = post(
        people.clerk,
        f"/api/v1/outgoing/{old['id']}/replace/",
        {"by": new["id"], "reason": "Sai thời gian họp"},
    )
    assert answer.status_code == 201, answer.content
    assert [(r["kind"], r["role"], r["other"]) for r in answer.json()] == [
        ("replaces", "target", new["id"])
    ]
    back = client_for(people.clerk).get(f"/api/v1/documents/{new['id']}/relations/").json()
    assert [(r["kind"], r["role"], r["other"]) for r in back] == [("replaces", "source", old["id"])]
    old_copy, new_copy = _copy_of(old, city.du1), _copy_of(new, city.du1)
    seen = client_for(people.clerk_du1).get(f"/api/v1/documents/{old_copy.pk}/relations/").json()
    # The recipient is pointed at its own copy of the replacement, not at the issuer's document.
    assert [(r["kind"], r["other"]) for r in seen] == [("replaces", new_copy.pk)]
    listed = client_for(people.clerk).get("/api/v1/outgoing/").json()["results"]
    assert {d["id"]: d["status_note"] for d in listed} == {old["id"]: "replaced", new["id"]: None}


def test_corrections_may_be_several(people: Any, issued: Any) -> None:
    target, first, second = issued(), issued(), issued()
    url = f"/api/v1/outgoing/{target['id']}/correct/"
    assert post(people.clerk, url, {"by": first["id"]}).status_code == 201
    assert post(people.clerk, url, {"by": second["id"]}).status_code == 201
    again = post(people.clerk, url, {"by": first["id"]})
    assert again.status_code == 400
    assert DocumentRelation.objects.filter(kind="corrects").count() == 2
    got = client_for(people.clerk).get(f"/api/v1/outgoing/{target['id']}/").json()
    assert got["status_note"] == "corrected"


@pytest.mark.parametrize(
    ("case", "field", "status"),
    [
        ("self", "by", 400),
        ("draft-by", "by", 400),
        ("missing-by", "by", 400),
        ("foreign-by", "by", 400),
        ("not-a-number", "by", 400),
        ("specialist", None, 403),
        ("other-org", None, 404),
        ("draft-target", "status", 400),
        ("twice", "status", 400),
    ],
)
def test_bad_replacements_change_nothing(
    people: Any,
    issued: Any,
    draft: Any,
    make_user: Any,
    city: Any,
    case: str,
    field: Any,
    status: int,
) -> None:
    target, by = issued(), issued()
    actor, url = people.clerk, f"/api/v1/outgoing/{target['id']}/replace/"
    body: dict[str, Any] = {"by": by["id"]}
    if case == "self":
        body["by"] = target["id"]
    elif case == "draft-by":
        body["by"] = draft()["id"]
    elif case == "missing-by":
        body = {}
    elif case == "foreign-by":
        body["by"] = Document.objects.filter(organization=city.du1).first().pk  # type: ignore[union-attr]
    elif case == "not-a-number":
        body["by"] = "abc"
    elif case == "specialist":
        actor = people.drafter
    elif case == "other-org":
        actor = people.clerk_du2
    elif case == "draft-target":
        url = f"/api/v1/outgoing/{draft()['id']}/replace/"
    elif case == "twice":
        assert post(actor, url, body).status_code == 201
    before = _relations()
    answer = post(actor, url, body)
    assert answer.status_code == status, answer.content
    if field:
        assert field in answer.json()
    assert _relations() == before


def test_recall_needs_a_reason_happens_once_and_freezes_replacement(
    people: Any, issued: Any
) -> None:
    doc, other = issued(), issued()
    url = f"/api/v1/outgoing/{doc['id']}"
    empty = post(people.clerk, f"{url}/recall/", {"reason": "  "})
    assert empty.status_code == 400
    assert empty.json()["reason"] == ["Phải ghi lý do thu hồi."]
    assert post(people.drafter, f"{url}/recall/", {"reason": "x"}).status_code == 403
    assert _relations() == (0, 0)
    assert post(people.clerk, f"{url}/recall/", {"reason": "Sai thẩm quyền"}).status_code == 201
    before = _relations()
    again = post(people.clerk, f"{url}/recall/", {"reason": "Lần nữa"})
    assert again.status_code == 400
    replace = post(people.clerk, f"{url}/replace/", {"by": other["id"]})
    assert replace.status_code == 400
    by_recalled = post(people.clerk, f"/api/v1/outgoing/{other['id']}/replace/", {"by": doc["id"]})
    assert by_recalled.status_code == 400
    assert "thu hồi" in by_recalled.json()["by"][0]
    assert _relations() == before


def test_a_classified_recall_tells_nobody_who_may_not_see_it(
    people: Any, draft: Any, city: Any, settings: Any
) -> None:
    """A content-free classified outgoing entry (connected zone) is recalled: its relation and
    notice reach only those who may see the document."""
    doc = draft(secrecy="confidential", summary="")
    post(people.clerk, f"/api/v1/outgoing/{doc['id']}/issue/")
    assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/send/").status_code == 200
    assert post(people.clerk, f"/api/v1/outgoing/{doc['id']}/recall/", {"reason": "Mật: vtmk"})
    copy = _copy_of(doc, city.du1)
    for outsider in (people.uncleared, people.reviewer):
        c = client_for(outsider)
        assert c.get(f"/api/v1/documents/{doc['id']}/relations/").status_code == 404
        assert c.get(f"/api/v1/documents/{copy.pk}/relations/").status_code == 404
        assert "vtmk" not in c.get("/api/v1/document-notices/").content.decode()
        assert "vtmk" not in c.get("/api/v1/outgoing/").content.decode()
    # DU1's cleared clerk keeps DU1's classified register: told, with the reason.
    seen = client_for(people.clerk_du1).get(f"/api/v1/documents/{copy.pk}/relations/").json()
    assert [r["reason"] for r in seen] == ["Mật: vtmk"]


def test_lists_mark_relations_without_a_query_per_row(people: Any, issued: Any) -> None:
    docs = [issued() for _ in range(3)]
    c = client_for(people.clerk_du1)
    c.get("/api/v1/incoming/")
    with CaptureQueriesContext(connection) as plain:
        c.get("/api/v1/incoming/")
    for d in docs:
        post(people.clerk, f"/api/v1/outgoing/{d['id']}/recall/", {"reason": "Thu hồi"})
    with CaptureQueriesContext(connection) as marked:
        rows = c.get("/api/v1/incoming/").json()["results"]
    assert [r["status_note"] for r in rows] == ["recalled"] * 3
    assert len(marked) == len(plain)


def test_web_panel_shows_versions_and_takes_a_review(
    people: Any, draft: Any, settings: Any
) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    doc = draft()
    upload(people.drafter, doc["id"], comment="Bản trình")
    web = Client()
    web.force_login(people.reviewer)
    page = web.get(f"/van-ban/di/{doc['id']}/").content.decode()
    assert "Dự thảo, góp ý, duyệt" in page and "Bản trình" in page
    answer = web.post(
        f"/van-ban/di/{doc['id']}/gop-y/", {"verdict": "agree", "opinion": "Nhất trí nội dung"}
    )
    assert answer.status_code == 303
    page = web.get(f"/van-ban/di/{doc['id']}/").content.decode()
    assert "Nhất trí nội dung" in page
    bad = web.post(f"/van-ban/di/{doc['id']}/gop-y/", {"verdict": "agree", "opinion": ""})
    assert bad.status_code == 303
    assert "Phải ghi ý kiến góp ý." in web.get(f"/van-ban/di/{doc['id']}/").content.decode()
    outsider = Client()
    outsider.force_login(people.clerk_du2)
    assert outsider.post(f"/van-ban/di/{doc['id']}/duyet/").status_code == 404
