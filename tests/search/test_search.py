"""Searching as a user: matching, ranking, access inside the query, keeping the index in step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from vanthu.access.models import Grant
from vanthu.orgs.models import User
from vanthu.registry.models import Document
from vanthu.search import backends, indexing
from vanthu.search.selectors import Filters, search_documents


def ids(user: User, q: str, **filters: Any) -> list[int]:
    page = search_documents(user, q, filters=Filters(**filters))
    assert page.count == len(page.hits)
    return [h.document.pk for h in page.hits]


@pytest.fixture
def clerk(city: Any, make_user: Any) -> User:
    return make_user(username="vt_du1", organization=city.du1, roles=["clerk"])


def test_exact_diacritics_rank_first(clerk: User, make_doc: Any, city: Any) -> None:
    lost = make_doc(city.du1, "Báo cáo về việc mất tài liệu")
    secret = make_doc(city.du1, "Quy định về văn bản mật")
    assert ids(clerk, "mật") == [secret.pk, lost.pk]
    assert ids(clerk, "mất") == [lost.pk, secret.pk]


def test_an_exact_match_older_than_the_window_still_ranks_first(
    clerk: User, make_doc: Any, city: Any, monkeypatch: Any
) -> None:
    # The first pass takes the newest RANK_WINDOW matches; "mật" itself is older than all of
    # them, so only the exact-spelling pass brings it into the ranked candidates.
    monkeypatch.setattr(backends, "RANK_WINDOW", 3)
    secret = make_doc(city.du1, "Báo cáo về văn bản mật")
    make_doc(city.du2, "Báo cáo văn bản mật của đơn vị khác")  # another branch: never counted
    lost = [make_doc(city.du1, f"Báo cáo lần {n} về việc mất tài liệu") for n in range(5)]
    page = search_documents(clerk, "mật", limit=2)
    assert page.count == 6 and page.count_exact
    assert [h.document.pk for h in page.hits] == [secret.pk, lost[-1].pk]
    # With a word typed without marks the exact pass also checks the whole query.
    page = search_documents(clerk, "mật bao", limit=2)
    assert page.count == 6 and [h.document.pk for h in page.hits] == [secret.pk, lost[-1].pk]
    assert search_documents(clerk, "mật -văn", limit=2).count == 5
    # Typed without marks, nothing is exact: newest first among equals, and the old document
    # stays outside the ranked window.
    page = search_documents(clerk, "mat", limit=2)
    assert page.count == 6 and [h.document.pk for h in page.hits] == [lost[-1].pk, lost[-2].pk]
    # A deeper page than the window widens the first pass: every match is reached.
    deep = search_documents(clerk, "mật", offset=4, limit=2)
    assert {h.document.pk for h in deep.hits} <= {d.pk for d in lost}
    assert len(deep.hits) == 2


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Hóa đơn điện tử", "hoá"),
        ("Ủy ban kiểm tra Thành ủy", "uỷ ban"),
        ("Ban Thường vụ Đảng ủy phường", "dang uy"),
        ("Nghị quyết về công tác cán bộ", "NGHI QUYET"),
        ("Kế hoạch tổ chức Đại hội", "Đại hội"),
    ],
)
def test_matching_ignores_diacritics_tone_placement_and_case(
    clerk: User, make_doc: Any, city: Any, stored: str, typed: str
) -> None:
    doc = make_doc(city.du1, stored)
    make_doc(city.du1, "Văn bản không liên quan", type_code="TB")
    assert ids(clerk, typed) == [doc.pk]


def test_decomposed_input_matches_composed_text(clerk: User, make_doc: Any, city: Any) -> None:
    import unicodedata

    doc = make_doc(city.du1, "Đảng ủy phường")
    assert ids(clerk, unicodedata.normalize("NFD", "Đảng ủy")) == [doc.pk]


def test_words_kept_together_rank_above_scattered(clerk: User, make_doc: Any, city: Any) -> None:
    scattered = make_doc(city.du1, "Công tác văn phòng, lưu trữ hồ sơ thư viện")
    together = make_doc(city.du1, "Công tác văn thư, lưu trữ hồ sơ phòng họp")
    assert ids(clerk, "văn thư") == [together.pk, scattered.pk]
    assert ids(clerk, '"văn thư"') == [together.pk]


def test_exclusion_prefix_and_file_text(clerk: User, make_doc: Any, city: Any) -> None:
    draft = make_doc(city.du1, "Dự thảo nghị quyết về văn thư")
    final = make_doc(city.du1, "Nghị quyết về văn thư", files=["Toàn văn: công tác lưu trữ"])
    assert ids(clerk, "nghị quyết -dự") == [final.pk]
    assert set(ids(clerk, "vănth*")) == {draft.pk, final.pk}
    assert ids(clerk, "luu tru") == [final.pk]
    assert "<mark>lưu</mark> <mark>trữ</mark>" in search_documents(clerk, "lưu trữ").hits[0].snippet


def test_number_symbol_with_or_without_padding(clerk: User, make_doc: Any, city: Any) -> None:
    doc = make_doc(city.du1, "Nghị quyết Đại hội", number_symbol="05-NQ/TU")
    make_doc(city.du1, "Nghị quyết khác", number_symbol="15-NQ/TU")
    for q in ["5-NQ/TU", "05-NQ/TU", "05 - NQ / TU", "so:5-nq/tu"]:
        assert ids(clerk, q) == [doc.pk], q


def test_type_and_sender_fields(clerk: User, make_doc: Any, city: Any) -> None:
    resolution = make_doc(city.du1, "Về công tác", sender="Ban Tuyên giáo Thành ủy")
    plan = make_doc(city.du1, "Về công tác", type_code="KH", sender="Ban Tổ chức")
    assert ids(clerk, "công tác loai:NQ") == [resolution.pk]
    assert ids(clerk, "loai:KH") == [plan.pk]
    assert ids(clerk, 'coquan:"tuyên giáo"') == [resolution.pk]
    assert ids(clerk, "công tác -loai:NQ") == [plan.pk]


def test_filters_narrow_the_visible_set(city: Any, make_user: Any, make_doc: Any) -> None:
    leader = make_user(organization=city.tu, roles=["leader"])
    old = make_doc(city.du1, "Kế hoạch năm", issued_date=datetime.date(2024, 3, 1))
    new = make_doc(city.cb1, "Kế hoạch năm", issued_date=datetime.date(2026, 3, 1))
    outgoing = make_doc(city.du2, "Kế hoạch năm", direction="outgoing")
    assert set(ids(leader, "kế hoạch")) == {old.pk, new.pk, outgoing.pk}
    assert ids(leader, "kế hoạch", date_from=datetime.date(2025, 1, 1)) == [new.pk]
    assert ids(leader, "kế hoạch", date_to=datetime.date(2025, 1, 1)) == [old.pk]
    assert set(ids(leader, "kế hoạch", organization=city.du1)) == {old.pk, new.pk}
    assert ids(leader, "kế hoạch", direction="outgoing") == [outgoing.pk]
    assert ids(leader, "kế hoạch", secrecy="secret") == []


# --- access: the user matrix ------------------------------------------------------------------


@pytest.fixture
def classified(city: Any, make_user: Any, make_doc: Any) -> Document:
    author = make_user(
        username="tacgia", organization=city.du1, roles=["clerk"], clearance="secret"
    )
    make_doc(city.du1, "Kế hoạch công khai về quốc phòng")
    return make_doc(
        city.du1, "Kế hoạch tuyệt mật về quốc phòng", secrecy="secret", created_by=author
    )


def _grant(user: User, doc: Document, expires: datetime.datetime | None) -> None:
    Grant.objects.create(
        grantee=user,
        content_type=ContentType.objects.get_for_model(Document),
        object_id=doc.pk,
        granted_by=user,
        reason="Phục vụ công tác",
        expires_at=expires,
    )


@pytest.mark.parametrize(
    "who", ["other_organization", "no_clearance", "no_need_to_know", "expired_grant"]
)
def test_classified_document_never_reaches_a_user_who_may_not_see_it(
    city: Any, make_user: Any, classified: Document, who: str
) -> None:
    org = city.du2 if who == "other_organization" else city.du1
    clearance = "none" if who == "no_clearance" else "top_secret"
    # A specialist: the organisation's clerks keep its classified register (need-to-know).
    user = make_user(organization=org, roles=["specialist"], clearance=clearance)
    if who == "expired_grant":
        _grant(user, classified, timezone.now() - datetime.timedelta(days=1))
    for q in ["tuyệt mật", "tuyet mat quoc phong", "quốc phòng"]:
        page = search_documents(user, q)
        assert classified.pk not in [h.document.pk for h in page.hits]
        assert all("tuyệt" not in h.snippet for h in page.hits)
        assert page.count == (0 if who == "other_organization" or "tuy" in q else 1)


def test_a_live_grant_and_the_author_see_the_classified_document(
    city: Any, make_user: Any, classified: Document
) -> None:
    user = make_user(organization=city.du1, roles=["specialist"], clearance="secret")
    _grant(user, classified, timezone.now() + datetime.timedelta(days=1))
    assert ids(user, "tuyệt mật") == [classified.pk]
    assert classified.created_by is not None
    assert ids(classified.created_by, "tuyệt mật") == [classified.pk]


def test_results_are_rechecked_when_the_policy_changes_after_the_count(
    city: Any, make_user: Any, classified: Document
) -> None:
    # The index still holds the old entry; the document is now out of the user's reach.
    assert classified.created_by is not None
    Document.objects.filter(pk=classified.pk).update(organization=city.du2)
    page = search_documents(classified.created_by, "tuyệt mật")
    assert page.count == 0 and page.hits == []


# --- index maintenance -----------------------------------------------------------------------


def test_document_changed_indexes_after_commit_once(
    clerk: User, city: Any, make_doc: Any, django_capture_on_commit_callbacks: Any
) -> None:
    template = make_doc(city.du1, "Thông báo cũ")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = Document.objects.create(
            direction="incoming",
            organization=city.du1,
            document_type=template.document_type,
            summary="Thông báo kết luận mới",
            status="new",
        )
        indexing.document_changed(doc.pk)
        indexing.document_changed(doc.pk)
        assert ids(clerk, "kết luận") == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert ids(clerk, "kết luận") == [doc.pk]


def test_index_document_is_idempotent_and_removes_gone_documents(
    clerk: User, city: Any, make_doc: Any
) -> None:
    doc = make_doc(city.du1, "Chỉ thị về phòng chống thiên tai")
    indexing.index_document(doc.pk)
    indexing.index_document(doc.pk)
    assert backends.entry_count() == 1
    Document.objects.filter(pk=doc.pk).delete()
    indexing.index_document(doc.pk)
    assert backends.entry_count() == 0


def test_reindex_command_rebuilds_in_batches(
    clerk: User, city: Any, make_doc: Any, capsys: Any
) -> None:
    docs = [make_doc(city.du1, f"Báo cáo tháng {n}") for n in range(5)]
    backends.delete([d.pk for d in docs])
    assert ids(clerk, "báo cáo") == []
    call_command("reindex", "--batch", "2")
    assert set(ids(clerk, "báo cáo")) == {d.pk for d in docs}
    assert "5/5" in capsys.readouterr().out


def test_bad_query_is_a_q_field_error(clerk: User) -> None:
    with pytest.raises(ValidationError) as info:
        search_documents(clerk, '"mở ngoặc')
    assert "q" in info.value.message_dict


def test_phrases_are_exact_when_checked_row_by_row(
    clerk: User, make_doc: Any, city: Any, monkeypatch: Any
) -> None:
    """PostgreSQL matches a phrase's words in the index and the phrase itself on each row it
    walks (backends.Compiled.prefilter): counts, exclusions and the exact-spelling pass stay
    exact. A window of 1 puts the exact-spelling match below the first pass."""
    monkeypatch.setattr(backends, "RANK_WINDOW", 1)
    together = make_doc(city.du1, "Công tác văn thư năm nay")
    make_doc(city.du1, "Văn phòng gửi thư mời họp")
    harvest = make_doc(city.du1, "Báo cáo vân thu hoạch lúa")
    page = search_documents(clerk, '"văn thư"', limit=10)
    assert page.count == 2 and page.count_exact
    assert [h.document.pk for h in page.hits] == [together.pk, harvest.pk]
    assert ids(clerk, '"van thu"') == [harvest.pk, together.pk]
    assert ids(clerk, '"văn thư" -"thu hoạch"') == [together.pk]
    assert ids(clerk, '"thư năm nay"') == [together.pk]
    assert ids(clerk, '"văn thư năm" -nay') == []
    assert ids(clerk, '"nay văn thư"') == []
