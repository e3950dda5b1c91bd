"""The /ho-so/ pages: list, detail, close/reopen, bulk filing and the year-end wizard."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.records.conftest import Office
from vanthu.audit.models import Event
from vanthu.orgs.models import User
from vanthu.records import services
from vanthu.records.models import Dossier, DossierDocument, FilePlan

YEAR = 2026


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    # The office's clerk and leader hold clearances; the pages, not the OTP step, are tested.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(answer: Any) -> str:
    assert answer.status_code == 200, answer.status_code
    return str(answer.content.decode())


def test_the_section_is_no_longer_a_placeholder(office: Office) -> None:
    dossier = office.dossier(code="01.VP", title="Hồ sơ hội nghị sơ kết")
    other = office.dossier(code="02.VP", title="Hồ sơ thi đua khen thưởng", year=YEAR - 1)
    page = text(web(office.clerk).get("/ho-so/"))
    assert "Đang xây dựng" not in page
    assert dossier.title in page and other.title in page
    assert "Lập hồ sơ hàng loạt" in page and "Kết thúc năm" in page
    by_year = text(web(office.clerk).get("/ho-so/", {"nam": str(YEAR - 1)}))
    assert other.title in by_year and dossier.title not in by_year
    by_words = text(web(office.clerk).get("/ho-so/", {"q": "thi đua"}))
    assert other.title in by_words and dossier.title not in by_words
    services.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    services.close_dossier(actor=office.clerk, dossier=dossier)
    closed = text(web(office.clerk).get("/ho-so/", {"trang_thai": "closed"}))
    assert dossier.title in closed and other.title not in closed
    # Nonsense filters answer an empty list, not an error.
    for query in ({"nam": "năm ngoái"}, {"de_muc": "x"}, {"trang_thai": "đã xóa"}, {"trang": "-1"}):
        assert web(office.clerk).get("/ho-so/", query).status_code == 200
    assert dossier.title not in text(web(office.outsider).get("/ho-so/"))


def test_filter_by_plan_heading(office: Office) -> None:
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=YEAR)
    first = services.add_heading(actor=office.clerk, plan=plan, title="Tổng hợp", abbreviation="TH")
    second = services.add_heading(actor=office.clerk, plan=plan, title="Tổ chức", abbreviation="TC")
    minor = services.add_heading(actor=office.clerk, plan=plan, title="Hội nghị", parent=first)
    item = services.add_plan_item(actor=office.clerk, heading=minor, title="Hồ sơ hội nghị quý")
    other = services.add_plan_item(actor=office.clerk, heading=second, title="Hồ sơ cán bộ")
    services.approve_file_plan(actor=office.leader, plan=plan)
    planned = office.dossier(code=item.code, title=item.title, plan_item=item)
    office.dossier(code=other.code, title=other.title, plan_item=other)
    page = text(web(office.clerk).get("/ho-so/", {"de_muc": str(first.pk)}))
    assert planned.title in page and "Hồ sơ cán bộ" not in page.split("<tbody>")[1]


def test_detail_close_and_reopen(office: Office) -> None:
    dossier = office.dossier()
    document = office.document(summary="Báo cáo sơ kết quý I", issued=datetime.date(2026, 4, 5))
    services.add_document(actor=office.clerk, dossier=dossier, document=document)
    page = text(web(office.clerk).get(f"/ho-so/{dossier.pk}/"))
    assert "Báo cáo sơ kết quý I" in page and "05/04/2026" in page
    assert web(office.outsider).get(f"/ho-so/{dossier.pk}/").status_code == 404
    assert web(office.clerk).get("/ho-so/999999/").status_code == 404
    bad = web(office.clerk).post(f"/ho-so/{dossier.pk}/ket-thuc/", {"sheet_count": "mười"})
    assert bad.status_code == 302 and Dossier.objects.get(pk=dossier.pk).status == "open"
    done = web(office.clerk).post(f"/ho-so/{dossier.pk}/ket-thuc/", {"note": ""}, follow=True)
    assert "Đã kết thúc hồ sơ" in text(done)
    closed = Dossier.objects.get(pk=dossier.pk)
    assert closed.status == "closed" and "05/04/2026" in closed.closing_note
    # Reopening needs a leader and a reason; without a reason nothing changes.
    web(office.leader).post(f"/ho-so/{dossier.pk}/mo-lai/", {"reason": " "})
    assert Dossier.objects.get(pk=dossier.pk).status == "closed"
    refused = web(office.clerk).post(f"/ho-so/{dossier.pk}/mo-lai/", {"reason": "Bổ sung"})
    assert refused.status_code == 302 and Dossier.objects.get(pk=dossier.pk).status == "closed"
    web(office.leader).post(f"/ho-so/{dossier.pk}/mo-lai/", {"reason": "Bổ sung văn bản"})
    assert Dossier.objects.get(pk=dossier.pk).status == "open"
    assert web(office.outsider).post(f"/ho-so/{dossier.pk}/ket-thuc/").status_code == 404
    # A dossier with no người lập (the column allows it: the admin, a bulk load) shows a dash
    # (a filter argument through the missing person made the page fail).
    Dossier.objects.filter(pk=dossier.pk).update(responsible=None)
    page = text(web(office.clerk).get(f"/ho-so/{dossier.pk}/"))
    assert 'Người lập hồ sơ</dt><dd class="col-sm-9">—</dd>' in page


def test_bulk_page_lists_the_years_unfiled_documents_and_files_the_chosen(office: Office) -> None:
    dossier = office.dossier()
    a = office.document(summary="Kế hoạch tháng Năm", issued=datetime.date(2026, 5, 2))
    b = office.document(summary="Thông báo tháng Sáu", issued=datetime.date(2026, 6, 3))
    filed = office.document(summary="Đã lập hồ sơ rồi")
    services.add_document(actor=office.clerk, dossier=office.dossier(code="09.VP"), document=filed)
    last_year = office.document(summary="Năm trước", issued=datetime.date(2025, 12, 30))
    page = text(web(office.clerk).get("/ho-so/lap-ho-so-hang-loat/", {"nam": str(YEAR)}))
    assert a.summary in page and b.summary in page and "02/05/2026" in page
    assert filed.summary not in page and last_year.summary not in page
    by_words = text(web(office.clerk).get("/ho-so/lap-ho-so-hang-loat/", {"q": "tháng Sáu"}))
    assert b.summary in by_words and a.summary not in by_words
    by_date = text(
        web(office.clerk).get(
            "/ho-so/lap-ho-so-hang-loat/", {"tu_ngay": "01/06/2026", "den_ngay": "30/06/2026"}
        )
    )
    assert b.summary in by_date and a.summary not in by_date
    by_type = text(web(office.clerk).get("/ho-so/lap-ho-so-hang-loat/", {"loai": "NQ"}))
    assert a.summary not in by_type
    done = web(office.clerk).post(
        "/ho-so/lap-ho-so-hang-loat/",
        {"dossier": str(dossier.pk), "documents": [str(b.pk), str(a.pk)], "nam": str(YEAR)},
        follow=True,
    )
    assert "Đã đưa 2 văn bản vào hồ sơ" in text(done)
    assert list(dossier.entries.values_list("document_id", flat=True)) == [b.pk, a.pk]


def test_bulk_page_refuses_the_whole_choice_and_marks_the_row(office: Office) -> None:
    dossier = office.dossier()
    good = office.document(summary="Văn bản tốt")
    inside = office.document(summary="Văn bản đã ở trong hồ sơ")
    services.add_document(actor=office.clerk, dossier=dossier, document=inside)
    events = Event.objects.count()
    answer = web(office.clerk).post(
        "/ho-so/lap-ho-so-hang-loat/",
        {"dossier": str(dossier.pk), "documents": [str(good.pk), str(inside.pk)]},
    )
    page = text(answer)
    assert "chưa lưu gì" in page and "đã có trong hồ sơ này" in page
    assert DossierDocument.objects.count() == 1 and Event.objects.count() == events


def test_bulk_page_hides_and_refuses_what_the_user_may_not_see(office: Office) -> None:
    dossier = office.dossier(by=office.specialist)
    secret = office.document(secrecy="secret", summary="Tuyệt mật kế hoạch")
    page = text(web(office.specialist).get("/ho-so/lap-ho-so-hang-loat/"))
    assert "Tuyệt mật kế hoạch" not in page
    answer = web(office.specialist).post(
        "/ho-so/lap-ho-so-hang-loat/", {"dossier": str(dossier.pk), "documents": [str(secret.pk)]}
    )
    assert answer.status_code == 404 and "Tuyệt mật" not in answer.content.decode()
    foreign = web(office.outsider).post(
        "/ho-so/lap-ho-so-hang-loat/", {"dossier": str(dossier.pk), "documents": []}
    )
    assert foreign.status_code == 404
    assert not DossierDocument.objects.exists()


def test_the_year_end_wizard_runs_each_step_and_says_what_it_did(office: Office) -> None:
    full = office.dossier(code="01.VP")
    services.add_document(actor=office.clerk, dossier=full, document=office.document())
    office.dossier(code="02.VP", title="Hồ sơ còn trống")
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=YEAR)
    heading = services.add_heading(actor=office.clerk, plan=plan, title="Tổng hợp")
    services.add_plan_item(actor=office.clerk, heading=heading, title="Hồ sơ hội nghị")
    client = web(office.archivist)
    page = text(client.get("/ho-so/ket-thuc-nam/", {"nam": str(YEAR)}))
    assert "Kết thúc năm 2026" in page and "Hồ sơ còn trống" in page
    step1 = text(client.post("/ho-so/ket-thuc-nam/ket-thuc-ho-so/", {"nam": YEAR}, follow=True))
    assert "đã kết thúc 1 hồ sơ năm 2026: 01.VP" in step1
    assert "Hồ sơ 02.VP chưa kết thúc" in step1
    step2 = text(client.post("/ho-so/ket-thuc-nam/nop-luu/", {"nam": YEAR}, follow=True))
    assert "gồm 1 hồ sơ" in step2
    again = text(client.post("/ho-so/ket-thuc-nam/nop-luu/", {"nam": YEAR}, follow=True))
    assert "không có hồ sơ năm 2026 nào cần nộp lưu thêm" in again
    step3 = text(client.post("/ho-so/ket-thuc-nam/nam-moi/", {"nam": YEAR}, follow=True))
    assert "đã mở sổ năm 2027" in step3 and "Đã sao danh mục hồ sơ năm 2027" in step3
    assert FilePlan.objects.filter(organization=office.org, year=YEAR + 1).exists()
    repeat = text(client.post("/ho-so/ket-thuc-nam/nam-moi/", {"nam": YEAR}, follow=True))
    assert "đã mở từ trước" in repeat and "đã có từ trước" in repeat


def test_the_year_end_steps_refuse_a_specialist(office: Office) -> None:
    full = office.dossier(code="01.VP", by=office.specialist)
    services.add_document(actor=office.specialist, dossier=full, document=office.document())
    events = Event.objects.count()
    client = web(office.specialist)
    for step in ("ket-thuc-ho-so", "nop-luu", "nam-moi"):
        page = text(client.post(f"/ho-so/ket-thuc-nam/{step}/", {"nam": YEAR}, follow=True))
        assert "Chỉ văn thư" in page
    assert Event.objects.count() == events
    assert Dossier.objects.get(pk=full.pk).status == "open"
    assert client.get("/ho-so/ket-thuc-nam/ket-thuc-ho-so/").status_code == 405


def test_bulk_page_without_a_dossier_or_without_documents_says_so(office: Office) -> None:
    dossier = office.dossier()
    document = office.document()
    events = Event.objects.count()
    client = web(office.clerk)
    no_dossier = text(client.post("/ho-so/lap-ho-so-hang-loat/", {"documents": [document.pk]}))
    assert "Phải chọn hồ sơ" in no_dossier
    nothing = text(client.post("/ho-so/lap-ho-so-hang-loat/", {"dossier": dossier.pk}))
    assert "Phải chọn ít nhất một văn bản" in nothing
    assert not DossierDocument.objects.exists() and Event.objects.count() == events


def messages_of(answer: Any) -> str:
    return " ".join(str(m) for m in answer.context["messages"])


def test_file_plan_pages_draft_approve_and_open_a_dossier(office: Office) -> None:
    clerk = web(office.clerk)
    made = clerk.post("/ho-so/danh-muc/", {"year": str(YEAR), "numbering": "continuous"})
    plan = FilePlan.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/ho-so/danh-muc/{plan.pk}/"
    url = f"/ho-so/danh-muc/{plan.pk}/"
    clerk.post(f"{url}de-muc/", {"title": "Công tác văn phòng", "abbreviation": "VP"})
    heading = plan.headings.get()
    added = clerk.post(
        f"{url}ho-so/",
        {"heading": heading.pk, "title": "Hồ sơ hội nghị", "retention_years": "10"},
        follow=True,
    )
    assert "Đã thêm hồ sơ 01.VP vào danh mục" in messages_of(added)
    page = text(clerk.get(url))
    assert "Hồ sơ hội nghị" in page and "10 năm" in page and "Ban hành danh mục" not in page
    assert "Danh mục hồ sơ năm" in text(clerk.get("/ho-so/danh-muc/"))
    # Only the head approves: the clerk's post is refused with the reason.
    refused = clerk.post(f"{url}ban-hanh/", follow=True)
    assert "người đứng đầu" in messages_of(refused)
    leader = web(office.leader)
    assert "Ban hành danh mục" in text(leader.get(url))
    leader.post(f"{url}ban-hanh/")
    plan.refresh_from_db()
    assert plan.status == FilePlan.Status.APPROVED
    item = plan.items.get()
    opened = clerk.post(f"{url}mo-ho-so/", {"item": item.pk})
    dossier = Dossier.objects.get()
    assert opened["Location"] == f"/ho-so/{dossier.pk}/"
    assert (dossier.code, dossier.title, dossier.retention_years) == ("01.VP", "Hồ sơ hội nghị", 10)
    assert "Đã mở hồ sơ" in text(clerk.get(url))
    # Opening it twice: the duplicate is refused, nothing more is stored.
    again = clerk.post(f"{url}mo-ho-so/", {"item": item.pk}, follow=True)
    assert "01.VP" in messages_of(again) and Dossier.objects.count() == 1
    # An approved plan is frozen.
    frozen = clerk.post(f"{url}de-muc/", {"title": "Khác"}, follow=True)
    assert "đã ban hành" in messages_of(frozen) and plan.headings.count() == 1


def test_file_plan_forms_refuse_bad_input_and_store_nothing(office: Office) -> None:
    clerk = web(office.clerk)
    for year in ("năm nay", "", "99999999999999"):
        bad = clerk.post("/ho-so/danh-muc/", {"year": year}, follow=True)
        assert "Năm của danh mục phải là số" in messages_of(bad)
    too_early = clerk.post("/ho-so/danh-muc/", {"year": "1800"}, follow=True)
    assert "Năm phải từ" in messages_of(too_early)
    wrong_numbering = clerk.post(
        "/ho-so/danh-muc/", {"year": str(YEAR), "numbering": "lung tung"}, follow=True
    )
    assert "Cách đánh số không hợp lệ" in messages_of(wrong_numbering)
    assert not FilePlan.objects.exists()
    specialist = web(office.specialist).post("/ho-so/danh-muc/", {"year": str(YEAR)}, follow=True)
    assert messages_of(specialist) and not FilePlan.objects.exists()

    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=YEAR)
    url = f"/ho-so/danh-muc/{plan.pk}/"
    no_title = clerk.post(f"{url}de-muc/", {"title": " ", "abbreviation": "VP"}, follow=True)
    assert "Tên đề mục không được để trống" in messages_of(no_title)
    assert clerk.post(f"{url}de-muc/", {"title": "X", "parent": "999999"}).status_code == 404
    heading = services.add_heading(
        actor=office.clerk, plan=plan, title="Văn phòng", abbreviation="VP"
    )
    for data, says in (
        ({"title": "Hồ sơ A", "retention_years": "mười"}, "Thời hạn bảo quản phải là số năm"),
        ({"title": "Hồ sơ A", "retention_years": "500"}, "Thời hạn bảo quản phải từ 1"),
        ({"title": " ", "retention_years": "10"}, "Tiêu đề hồ sơ không được để trống"),
        ({"title": "Hồ sơ A", "responsible": str(office.outsider.pk)}, "công tác tại tổ chức"),
        ({"title": "Hồ sơ A", "responsible": "999999"}, "công tác tại tổ chức"),
    ):
        bad = clerk.post(f"{url}ho-so/", {"heading": heading.pk, **data}, follow=True)
        assert says in messages_of(bad), data
    no_heading = clerk.post(f"{url}ho-so/", {"title": "Hồ sơ A"}, follow=True)
    assert "Phải chọn đề mục" in messages_of(no_heading)
    assert not plan.items.exists()
    empty = web(office.leader).post(f"{url}ban-hanh/", follow=True)
    assert "chưa có hồ sơ nào" in messages_of(empty)
    # A draft plan's item cannot open a dossier; a missing item is a 404.
    item = services.add_plan_item(actor=office.clerk, heading=heading, title="Hồ sơ A")
    draft = clerk.post(f"{url}mo-ho-so/", {"item": item.pk}, follow=True)
    assert "chưa được ban hành" in messages_of(draft) and not Dossier.objects.exists()
    assert clerk.post(f"{url}mo-ho-so/", {"item": "x"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == FilePlan.Status.DRAFT


def test_file_plan_pages_are_404_to_another_organisation(office: Office) -> None:
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=YEAR)
    heading = services.add_heading(
        actor=office.clerk, plan=plan, title="Văn phòng", abbreviation="VP"
    )
    services.add_plan_item(actor=office.clerk, heading=heading, title="Hồ sơ bí mật nội bộ")
    outsider = web(office.outsider)
    url = f"/ho-so/danh-muc/{plan.pk}/"
    assert outsider.get(url).status_code == 404
    assert "Hồ sơ bí mật nội bộ" not in text(outsider.get("/ho-so/danh-muc/"))
    for step, data in (
        ("de-muc/", {"title": "X"}),
        ("ho-so/", {"heading": heading.pk, "title": "X"}),
        ("ban-hanh/", {}),
        ("mo-ho-so/", {"item": plan.items.get().pk}),
    ):
        assert outsider.post(url + step, data).status_code == 404, step
    assert plan.headings.count() == 1 and plan.items.count() == 1
    assert web(office.clerk).get(url + "ban-hanh/").status_code == 405


def approved_plan(office: Office, year: int, minors: int) -> tuple[FilePlan, list[Any]]:
    """A plan with one item under its major heading and ``minors`` under a minor one."""
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=year)
    major = services.add_heading(actor=office.clerk, plan=plan, title="Văn phòng")
    items = [services.add_plan_item(actor=office.clerk, heading=major, title="Hồ sơ A")]
    minor = services.add_heading(
        actor=office.clerk, plan=plan, title="Nhóm hồ sơ cán bộ", parent=major
    )
    for n in range(minors):
        items.append(services.add_plan_item(actor=office.clerk, heading=minor, title=f"Hồ sơ B{n}"))
    services.approve_file_plan(actor=office.leader, plan=plan)
    return plan, items


def test_an_approved_plan_page_opens_items_through_one_form_in_fixed_queries(
    office: Office,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk = web(office.clerk)
    counts = []
    for year, minors in ((YEAR, 0), (YEAR + 1, 5)):
        plan, items = approved_plan(office, year, minors)
        url = f"/ho-so/danh-muc/{plan.pk}/"
        clerk.post(f"{url}mo-ho-so/", {"item": items[0].pk})
        clerk.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = text(clerk.get(url))
        counts.append((len(queries), page.count("csrfmiddlewaretoken")))
        # One form for the page; each item not yet opened has a button naming its item.
        assert page.count('<form id="mo-ho-so"') == 1
        assert page.count("Đã mở hồ sơ") == 1 and page.count('form="mo-ho-so"') == minors
        for item in items[1:]:
            assert f'form="mo-ho-so" name="item" value="{item.pk}"' in page
            assert f'aria-label="Mở hồ sơ {item.code}"' in page
    # More items: the same queries and the same single CSRF token for the whole table.
    assert counts[0] == counts[1], counts
    # The rows stay under their own headings, in order.
    assert page.index("Hồ sơ A") < page.index("Nhóm hồ sơ cán bộ") < page.index("Hồ sơ B0")
    assert page.index("Hồ sơ B0") < page.index("Hồ sơ B4")
    # The button's post opens that item's dossier.
    opened = clerk.post(f"/ho-so/danh-muc/{plan.pk}/mo-ho-so/", {"item": items[3].pk})
    dossier = Dossier.objects.get(plan_item=items[3])
    assert opened["Location"] == f"/ho-so/{dossier.pk}/"
