"""Quản trị tổ chức: the tree, create and edit, terms — through the web pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.web.conftest import client_for
from vanthu.audit.models import Event
from vanthu.orgs.models import Organization, Term, User

ADMIN_PAGES = [
    "/quan-tri/",
    "/quan-tri/to-chuc/",
    "/quan-tri/to-chuc/them/",
    "/quan-tri/to-chuc/tim/?q=dang",
    "/quan-tri/nguoi-dung/",
    "/quan-tri/nguoi-dung/them/",
]


def new_org(**overrides: Any) -> dict[str, Any]:
    data = {"code": "CB9", "name": "Chi bộ khu phố 9", "symbol": "CB", "kind": "grassroots"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_404_for_non_admins(clerk: User, url: str) -> None:
    assert client_for(clerk).get(url).status_code == 404


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_render_for_admins(du1_admin: User, url: str) -> None:
    assert client_for(du1_admin).get(url).status_code == 200


def test_anonymous_is_sent_to_login(db: Any) -> None:
    answer = Client().get("/quan-tri/to-chuc/")
    assert answer.status_code == 302 and answer["Location"].startswith("/dang-nhap/")


def test_tree_starts_at_what_the_admin_manages(city: Any, du1_admin: User) -> None:
    html = client_for(du1_admin).get("/quan-tri/to-chuc/").content.decode()
    assert "Đảng ủy phường Bến Nghé" in html
    assert "Thành ủy" not in html.replace("Văn phòng Thành ủy", "")
    assert "Đảng ủy phường Sài Gòn" not in html
    # DU1 has one child, loaded lazily when opened.
    assert f'hx-get="/quan-tri/to-chuc/{city.du1.pk}/con/"' in html
    assert "Chi bộ khu phố 1" not in html


def test_superuser_sees_the_roots_with_child_counts(city: Any, make_user: Any) -> None:
    root = make_user(username="root", organization=city.tu, roles=[], is_superuser=True)
    html = client_for(root).get("/quan-tri/to-chuc/").content.decode()
    assert "Thành ủy" in html
    assert 'title="Số đơn vị trực thuộc">3</span>' in html


def test_children_load_on_demand_within_the_subtree(
    city: Any, du1_admin: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(du1_admin)
    with django_assert_max_num_queries(8):
        answer = client.get(f"/quan-tri/to-chuc/{city.du1.pk}/con/")
    assert answer.status_code == 200
    assert "Chi bộ khu phố 1" in answer.content.decode()
    # Outside the admin's subtree: 404, and nothing of it leaks.
    outside = client.get(f"/quan-tri/to-chuc/{city.tu.pk}/con/")
    assert outside.status_code == 404
    assert "Văn phòng Thành ủy" not in outside.content.decode()


@pytest.mark.once
def test_children_come_in_pages(city: Any, tu_admin: User) -> None:
    Organization.objects.bulk_create(
        Organization(
            code=f"X{i:03d}",
            name=f"Chi bộ {i:03d}",
            symbol="CB",
            kind="grassroots",
            parent=city.du2,
        )
        for i in range(105)
    )
    client = client_for(tu_admin)
    first = client.get(f"/quan-tri/to-chuc/{city.du2.pk}/con/").content.decode()
    assert first.count('class="app-tree-node"') == 100
    assert f"/quan-tri/to-chuc/{city.du2.pk}/con/?offset=100" in first
    rest = client.get(f"/quan-tri/to-chuc/{city.du2.pk}/con/?offset=100").content.decode()
    assert rest.count('class="app-tree-node"') == 5
    assert "<ul" not in rest and "Xem thêm" not in rest


def test_lookup_filters_on_the_server_without_diacritics(city: Any, tu_admin: User) -> None:
    client = client_for(tu_admin)
    html = client.get("/quan-tri/to-chuc/tim/", {"q": "ben nghe", "field": "parent"}).content
    assert "Đảng ủy phường Bến Nghé" in html.decode()
    assert f'name="parent" id="parent-r{city.du1.pk}" value="{city.du1.pk}"' in html.decode()
    assert "Sài Gòn" not in html.decode()
    assert client.get("/quan-tri/to-chuc/tim/", {"q": "x", "field": "evil"}).status_code == 404


def test_lookup_never_offers_organisations_outside_the_subtree(city: Any, du1_admin: User) -> None:
    html = client_for(du1_admin).get("/quan-tri/to-chuc/tim/", {"parent_q": "Sài Gòn"})
    assert "Không tìm thấy tổ chức nào" in html.content.decode()


def test_admin_creates_organisation_below_its_own(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin)
    answer = client.post("/quan-tri/to-chuc/them/", new_org(parent=city.du1.pk))
    org = Organization.objects.get(code="CB9")
    assert answer.status_code == 302 and answer["Location"] == f"/quan-tri/to-chuc/{org.pk}/"
    assert org.parent == city.du1 and org.path.startswith(city.du1.path)
    assert Event.objects.filter(action="org.create", object_id=str(org.pk)).exists()
    assert (
        "Chi bộ khu phố 9" in client.get(f"/quan-tri/to-chuc/{city.du1.pk}/con/").content.decode()
    )
    detail = client.get(answer["Location"]).content.decode()
    assert "Đã tạo tổ chức Chi bộ khu phố 9." in detail


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"name": "  "}, "Trường này là bắt buộc."),
        ({"code": "DU2"}, "Mã DU2 đã được dùng."),
        ({"kind": "planet"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"active_from": "31/02/2025"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"parent": ""}, "Hãy chọn một tổ chức."),
    ],
)
def test_bad_organisation_input_shows_vietnamese_error_and_stores_nothing(
    city: Any, du1_admin: User, overrides: dict[str, Any], field_error: str
) -> None:
    before = Organization.objects.count()
    data = new_org(parent=city.du1.pk)
    data.update(overrides)
    answer = client_for(du1_admin).post("/quan-tri/to-chuc/them/", data)
    assert answer.status_code == 400
    assert field_error in answer.content.decode()
    assert Organization.objects.count() == before


def test_parent_outside_the_subtree_is_refused(city: Any, du1_admin: User) -> None:
    answer = client_for(du1_admin).post("/quan-tri/to-chuc/them/", new_org(parent=city.du2.pk))
    assert answer.status_code == 400
    assert "bạn không quản trị" in answer.content.decode()
    assert not Organization.objects.filter(code="CB9").exists()


def test_department_cannot_have_children(city: Any, tu_admin: User, make_org: Any) -> None:
    dept = make_org(code="PHONG", name="Phòng Hành chính", kind="department", parent=city.vp)
    answer = client_for(tu_admin).post("/quan-tri/to-chuc/them/", new_org(parent=dept.pk))
    assert answer.status_code == 400
    assert "Đơn vị nội bộ không thể có tổ chức trực thuộc." in answer.content.decode()
    assert not Organization.objects.filter(code="CB9").exists()


def test_create_without_csrf_token_is_refused(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin, enforce_csrf_checks=True)
    answer = client.post("/quan-tri/to-chuc/them/", new_org(parent=city.du1.pk))
    assert answer.status_code == 403
    assert not Organization.objects.filter(code="CB9").exists()


def test_organisation_name_is_escaped_everywhere(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin)
    client.post(
        "/quan-tri/to-chuc/them/", new_org(name="<script>alert(1)</script>", parent=city.du1.pk)
    )
    org = Organization.objects.get(code="CB9")
    for url in (
        f"/quan-tri/to-chuc/{city.du1.pk}/con/",
        f"/quan-tri/to-chuc/{org.pk}/",
        "/quan-tri/to-chuc/tim/?q=script",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_outside_the_subtree_is_404(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin)
    assert client.get(f"/quan-tri/to-chuc/{city.du2.pk}/").status_code == 404
    assert client.post(f"/quan-tri/to-chuc/{city.du2.pk}/", {"name": "X"}).status_code == 404
    assert Organization.objects.get(pk=city.du2.pk).name == "Đảng ủy phường Sài Gòn"


def test_admin_edits_organisation(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin)
    page = client.get(f"/quan-tri/to-chuc/{city.cb1.pk}/").content.decode()
    assert 'value="Chi bộ khu phố 1"' in page
    answer = client.post(
        f"/quan-tri/to-chuc/{city.cb1.pk}/",
        {
            "name": "Chi bộ khu phố Một",
            "symbol": "CB",
            "kind": "grassroots",
            "parent": city.du1.pk,
            "active_from": "01/01/2020",
            "active_until": "",
        },
    )
    assert answer.status_code == 302
    city.cb1.refresh_from_db()
    assert city.cb1.name == "Chi bộ khu phố Một"
    assert city.cb1.active_from.isoformat() == "2020-01-01"
    assert "01/01/2020" in client.get(f"/quan-tri/to-chuc/{city.cb1.pk}/").content.decode()


def test_admin_keeps_its_own_top_organisation_parent(city: Any, du1_admin: User) -> None:
    # DU1's parent (TU) is above this admin: saving DU1 unchanged must still work.
    answer = client_for(du1_admin).post(
        f"/quan-tri/to-chuc/{city.du1.pk}/",
        {
            "name": "Đảng ủy phường Bến Nghé",
            "symbol": "ĐU",
            "kind": "committee",
            "parent": city.tu.pk,
        },
    )
    assert answer.status_code == 302


def test_moving_an_organisation_below_itself_is_refused(city: Any, tu_admin: User) -> None:
    answer = client_for(tu_admin).post(
        f"/quan-tri/to-chuc/{city.du1.pk}/",
        {
            "name": "Đảng ủy phường Bến Nghé",
            "symbol": "ĐU",
            "kind": "committee",
            "parent": city.cb1.pk,
        },
    )
    assert answer.status_code == 400
    assert "Không thể chuyển tổ chức vào chính nó hoặc đơn vị cấp dưới." in answer.content.decode()
    city.du1.refresh_from_db()
    assert city.du1.parent_id == city.tu.pk


def test_admin_adds_terms_in_order(city: Any, du1_admin: User) -> None:
    client = client_for(du1_admin)
    url = f"/quan-tri/to-chuc/{city.du1.pk}/nhiem-ky/"
    ok = client.post(url, {"name": "2020–2025", "start_date": "15/10/2020"})
    assert ok.status_code == 302
    term = Term.objects.get(organization=city.du1)
    assert term.start_date.isoformat() == "2020-10-15"
    page = client.get(f"/quan-tri/to-chuc/{city.du1.pk}/").content.decode()
    assert "15/10/2020" in page
    earlier = client.post(url, {"name": "2015–2020", "start_date": "01/10/2015"})
    assert earlier.status_code == 400
    assert (
        "Nhiệm kỳ mới phải bắt đầu sau nhiệm kỳ hiện tại (15/10/2020)." in earlier.content.decode()
    )
    bad_date = client.post(url, {"name": "2025–2030", "start_date": "2025-13-01"})
    assert bad_date.status_code == 400
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in bad_date.content.decode()
    assert Term.objects.filter(organization=city.du1).count() == 1


def test_terms_of_an_organisation_outside_the_subtree_are_404(city: Any, du1_admin: User) -> None:
    url = f"/quan-tri/to-chuc/{city.du2.pk}/nhiem-ky/"
    answer = client_for(du1_admin).post(url, {"name": "2020–2025", "start_date": "15/10/2020"})
    assert answer.status_code == 404
    assert not Term.objects.exists()
