"""Access tokens inside the index (docs/search.md, "Access"): the engine's own statement
narrows to the user's scope, and every change of what decides visibility rewrites the tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from vanthu.access.policy import visible
from vanthu.orgs import services as org_services
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Document
from vanthu.search import access, backends, indexing
from vanthu.search.query import parse
from vanthu.search.selectors import search_documents


def _tokens(document: Document) -> set[str]:
    postgres = connection.vendor == "postgresql"
    column = "array_to_string(tsvector_to_array(access), ' ')" if postgres else "access"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM search_index WHERE {backends.id_column()} = %s",  # noqa: S608
            [document.pk],
        )
        (value,) = cursor.fetchone()
    return set(value.split())


def _ids(user: User, q: str) -> set[int]:
    page = search_documents(user, q, limit=200)
    assert page.count == len(page.hits)
    return {h.document.pk for h in page.hits}


def test_entry_holds_owner_ancestors_and_secrecy(city: Any, make_doc: Any) -> None:
    doc = make_doc(city.cb1, "Nghị quyết chi bộ", secrecy="top_secret")
    tu, du1, cb1 = city.tu.pk, city.du1.pk, city.cb1.pk
    assert _tokens(doc) == {f"o{cb1}", f"t{tu}", f"t{du1}", f"t{cb1}", "stopsecret"}
    dept = Organization.objects.create(
        code="BTC", name="Ban Tổ chức", symbol="BTC", kind="department", parent=city.du1
    )
    dept.path = city.du1.path + Organization.segment(dept.pk)
    dept.save()
    other = make_doc(dept, "Báo cáo của ban")
    assert f"d{du1}" in _tokens(other) and f"d{tu}" in _tokens(other)
    assert "snone" in _tokens(other)


def test_user_tokens_follow_the_policy(city: Any, make_user: Any) -> None:
    leader = make_user(organization=city.tu, roles=["leader"], clearance="secret")
    clerk = make_user(organization=city.du1, roles=["clerk"])
    nobody = make_user(organization=city.du1, roles=[])
    assert access.user_scope_tokens(leader) == [f"t{city.tu.pk}"]
    assert set(access.user_scope_tokens(clerk)) == {f"o{city.du1.pk}", f"d{city.du1.pk}"}
    assert access.user_scope_tokens(nobody) == []
    assert access.user_classified_levels(leader) == ["confidential", "secret"]
    assert access.user_classified_levels(clerk) == []


def _engine_only(user: User, q: str, monkeypatch: pytest.MonkeyPatch) -> backends.Matches:
    """The engine statement with the policy's probe made always true: tokens alone decide."""
    compiled = backends.compile_query(parse(q))
    levels = ["snone"] + [access.secrecy_token(s) for s in access.user_classified_levels(user)]
    scope = backends.Scope(
        tokens=access.user_scope_tokens(user), secrecy=levels, probe_sql="SELECT 1", probe_params=()
    )
    return backends.run(compiled, scope, limit=2, offset=0)


def test_the_engine_statement_itself_narrows_to_the_scope_beyond_the_window(
    city: Any, make_user: Any, make_doc: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    mine = [make_doc(city.du1, f"Báo cáo ngân sách số {i}") for i in range(4)]
    # Newer than mine and matching: another organisation's, and a classified one of mine.
    for i in range(4):
        make_doc(city.du2, f"Báo cáo ngân sách khác {i}")
    make_doc(city.du1, "Báo cáo ngân sách mật", secrecy="secret")
    monkeypatch.setattr(backends, "COUNT_CAP", 3)
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    found = _engine_only(clerk, "ngân sách", monkeypatch)
    # Capped at 3 of the clerk's own 4: neither the other office's nor the classified one
    # ever entered the window, though both are newer.
    assert (found.count, found.exact) == (3, False)
    assert {pk for pk, _ in found.rows} <= {d.pk for d in mine}
    monkeypatch.setattr(backends, "COUNT_CAP", 10)
    found = _engine_only(clerk, "ngân sách", monkeypatch)
    assert (found.count, found.exact) == (4, True)
    assert {pk for pk, _ in found.rows} <= {d.pk for d in mine} and len(found.rows) == 2


def test_a_stale_token_never_shows_or_counts_a_document(
    city: Any, make_user: Any, make_doc: Any
) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    own = make_doc(city.du1, "Kế hoạch phòng cháy")
    foreign = make_doc(city.du2, "Kế hoạch phòng cháy khác")
    # As if the entry had been written with the clerk's tokens (a change not yet re-indexed).
    backends.set_access(
        access.document_tokens(city.du1.path, city.du1.kind, "none"),
        Document.objects.filter(pk=foreign.pk).values("pk"),
    )
    page = search_documents(clerk, "phòng cháy")
    assert page.count == 1 and [h.document.pk for h in page.hits] == [own.pk]


def test_secrecy_change_rewrites_the_tokens(city: Any, make_user: Any, make_doc: Any) -> None:
    clerk = make_user(organization=city.du1, roles=["clerk"])
    doc = make_doc(city.du1, "Tờ trình nhân sự", secrecy="secret")
    assert "ssecret" in _tokens(doc) and _ids(clerk, "nhân sự") == set()
    Document.objects.filter(pk=doc.pk).update(secrecy="none")
    # What document_changed runs after the commit (the test's transaction never commits, and
    # make_doc's callback for this document is still queued, so a second one is deduplicated).
    indexing.index_document(doc.pk)
    assert "snone" in _tokens(doc) and "ssecret" not in _tokens(doc)
    assert _ids(clerk, "nhân sự") == {doc.pk}


def test_moving_an_organisation_rewrites_its_subtree(
    city: Any, make_user: Any, make_doc: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(organization=city.tu, roles=["admin"])
    leader1 = make_user(organization=city.du1, roles=["leader"])
    leader2 = make_user(organization=city.du2, roles=["leader"])
    doc = make_doc(city.cb1, "Biên bản họp chi bộ")
    assert _ids(leader1, "biên bản") == {doc.pk} and _ids(leader2, "biên bản") == set()
    with django_capture_on_commit_callbacks(execute=True):
        org_services.update_organization(
            actor=admin, organization=city.cb1, data={"parent": city.du2}
        )
    assert f"t{city.du2.pk}" in _tokens(doc) and f"t{city.du1.pk}" not in _tokens(doc)
    # The next request loads each user afresh: the policy keeps a user's positions and the ids
    # of their scope on the user object for one request (policy.organization_ids).
    leader1, leader2 = (User.objects.get(pk=u.pk) for u in (leader1, leader2))
    for user in (leader1, leader2):
        matching = Document.objects.filter(pk=doc.pk)
        assert _ids(user, "biên bản") == set(visible(user, matching).values_list("pk", flat=True))
    assert _ids(leader2, "biên bản") == {doc.pk}


def test_turning_an_office_into_a_department_rewrites_its_tokens(
    city: Any, make_user: Any, make_doc: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(organization=city.tu, roles=["admin"])
    clerk = make_user(organization=city.tu, roles=["clerk"])
    doc = make_doc(city.vp, "Lịch công tác tuần")
    assert _ids(clerk, "lịch công tác") == set()
    with django_capture_on_commit_callbacks(execute=True):
        org_services.update_organization(
            actor=admin, organization=city.vp, data={"kind": "department"}
        )
    assert f"d{city.tu.pk}" in _tokens(doc)
    # The policy: a clerk of the committee sees its internal departments.
    assert _ids(clerk, "lịch công tác") == {doc.pk}
    assert visible(clerk, Document.objects.filter(pk=doc.pk)).exists()


def test_refresh_and_reindex_write_the_same_tokens(city: Any, make_doc: Any) -> None:
    docs = [
        make_doc(city.cb1, "Thông báo kết luận"),
        make_doc(city.du2, "Thông báo", secrecy="secret"),
    ]
    before = [_tokens(d) for d in docs]
    backends.set_access([], Document.objects.filter(pk__in=[d.pk for d in docs]).values("pk"))
    assert all(_tokens(d) == set() for d in docs)
    assert indexing.refresh_access() == 2
    assert [_tokens(d) for d in docs] == before
    backends.set_access([], Document.objects.filter(pk__in=[d.pk for d in docs]).values("pk"))
    indexing.reindex()
    assert [_tokens(d) for d in docs] == before


def test_leader_classified_matches_still_need_to_know_in_every_pass(
    city: Any, make_user: Any, make_doc: Any, monkeypatch: Any
) -> None:
    """The policy's probe runs on every match the tokens let through (docs/search.md, "Access":
    it is not skipped for unclassified ones either), in the first pass, the count-on and the
    exact-spelling pass alike: a classified match in the leader's scope and clearance is
    counted only with need-to-know (here a live grant), an unclassified one always."""
    from django.contrib.contenttypes.models import ContentType

    from vanthu.access.models import Grant

    # A window of 2: three statements run (the window's ids and count, exact pass, score).
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    leader = make_user(organization=city.tu, roles=["leader"], clearance="secret")
    admin = make_user(organization=city.tu, roles=["admin"])
    # Oldest first: the classified ones fall below the candidates, into the count only.
    refused = make_doc(city.cb1, "Văn bản mật về nhân sự", secrecy="secret")
    granted = make_doc(city.du2, "Văn bản mật về quốc phòng", secrecy="secret")
    plain = [make_doc(city.vp, f"Báo cáo mất tài liệu lần {n}") for n in range(3)]
    Grant.objects.create(
        grantee=leader,
        content_type=ContentType.objects.get_for_model(Document),
        object_id=granted.pk,
        granted_by=admin,
        reason="Theo dõi",
    )
    page = search_documents(leader, "mật", limit=2)
    found = [h.document.pk for h in page.hits]
    # Exact spelling first (found by the exact pass, below the first pass); then the newest.
    assert page.count == 4 and page.count_exact
    assert found == [granted.pk, plain[-1].pk]
    everything = search_documents(leader, "mật", limit=10)
    assert {h.document.pk for h in everything.hits} == {granted.pk, *(d.pk for d in plain)}
    visible_ids = set(visible(leader, Document.objects.all()).values_list("pk", flat=True))
    assert refused.pk not in visible_ids
    # Without the grant the classified match drops out of the count as well.
    Grant.objects.filter(grantee=leader).delete()
    page = search_documents(leader, "mật", limit=2)
    assert page.count == 3 and [h.document.pk for h in page.hits] == [plain[-1].pk, plain[-2].pk]
