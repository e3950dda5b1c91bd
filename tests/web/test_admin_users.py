"""Quản trị người dùng: list the admin's subtree, create users, change roles and clearance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import PASSWORD, client_for
from vanthu.audit.models import Event
from vanthu.orgs.models import Position, User


def new_user(org_pk: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "chuyenvien9",
        "full_name": "Đỗ Thị Chuyên Viên",
        "password": PASSWORD,
        "organization": org_pk,
        "roles": ["specialist", "clerk"],
        "clearance": "none",
        "position_title": "Chuyên viên",
        "email": "",
    }
    data.update(overrides)
    return data


def test_user_list_shows_only_the_subtree(
    city: Any, du1_admin: User, clerk: User, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        make_user(username=f"cb1_{i}", organization=city.cb1, roles=["clerk"])
    client = client_for(du1_admin)
    # Query count does not grow with the number of users (positions are prefetched).
    with django_assert_max_num_queries(12):
        html = client.get("/quan-tri/nguoi-dung/").content.decode()
    assert "cb1_0" in html and "cb1_5" in html and "qtv_du1" in html
    assert "vanthu_vp" not in html and "Lê Văn Thư" not in html
    filtered = client.get("/quan-tri/nguoi-dung/", {"q": "cb1_3"}).content.decode()
    assert "cb1_3" in filtered and "cb1_4" not in filtered
    assert client.get(f"/quan-tri/nguoi-dung/?to-chuc={city.vp.pk}").status_code == 404


def test_user_outside_the_subtree_is_404(city: Any, du1_admin: User, clerk: User) -> None:
    client = client_for(du1_admin)
    assert client.get(f"/quan-tri/nguoi-dung/{clerk.pk}/").status_code == 404
    answer = client.post(
        f"/quan-tri/nguoi-dung/{clerk.pk}/", {"action": "clearance", "clearance": "none"}
    )
    assert answer.status_code == 404


def test_admin_creates_user_with_roles_and_clearance(city: Any, tu_admin: User) -> None:
    client = client_for(tu_admin)
    answer = client.post(
        "/quan-tri/nguoi-dung/them/", new_user(city.vp.pk, clearance="confidential")
    )
    user = User.objects.get(username="chuyenvien9")
    assert answer.status_code == 302 and answer["Location"] == f"/quan-tri/nguoi-dung/{user.pk}/"
    assert user.organization == city.vp and user.clearance == "confidential"
    assert user.roles == ["clerk", "specialist"]
    assert user.check_password(PASSWORD)
    assert Event.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    page = client.get(answer["Location"]).content.decode()
    assert "Đỗ Thị Chuyên Viên" in page and "Đã tạo người dùng chuyenvien9." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "123"}, "Mật khẩu"),
        ({"roles": []}, "Hãy chọn ít nhất một vai trò."),
        ({"username": "qtv_tu"}, "Tên đăng nhập qtv_tu đã tồn tại."),
        ({"clearance": "secret"}, "Không thể cấp mức tiếp cận cao hơn mức của chính bạn."),
        ({"clearance": "ultra"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"organization": ""}, "Hãy chọn một tổ chức."),
        ({"email": "khong-phai-thu"}, "Nhập một địa chỉ email hợp lệ"),
    ],
)
def test_bad_user_input_shows_vietnamese_error_and_stores_nothing(
    city: Any, tu_admin: User, overrides: dict[str, Any], message: str
) -> None:
    before = (User.objects.count(), Position.objects.count())
    answer = client_for(tu_admin).post(
        "/quan-tri/nguoi-dung/them/", new_user(city.vp.pk, **overrides)
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert (User.objects.count(), Position.objects.count()) == before


def test_user_in_another_branch_cannot_be_created(city: Any, du1_admin: User) -> None:
    answer = client_for(du1_admin).post("/quan-tri/nguoi-dung/them/", new_user(city.vp.pk))
    assert answer.status_code == 400
    assert "bạn không quản trị" in answer.content.decode()
    assert not User.objects.filter(username="chuyenvien9").exists()


def test_admin_changes_roles_and_clearance(city: Any, tu_admin: User, clerk: User) -> None:
    client = client_for(tu_admin)
    url = f"/quan-tri/nguoi-dung/{clerk.pk}/"
    page = client.get(url).content.decode()
    assert 'value="clerk" class="form-check-input"' in page or 'value="clerk"' in page
    assert client.post(url, {"action": "roles", "roles": ["leader"]}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.roles == ["leader"]
    assert client.post(url, {"action": "clearance", "clearance": "confidential"}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.clearance == "confidential"
    assert Event.objects.filter(action="user.clearance", object_id=str(clerk.pk)).exists()


def test_bad_role_or_clearance_change_stores_nothing(
    city: Any, tu_admin: User, clerk: User
) -> None:
    client = client_for(tu_admin)
    url = f"/quan-tri/nguoi-dung/{clerk.pk}/"
    no_roles = client.post(url, {"action": "roles"})
    assert no_roles.status_code == 400
    assert "Hãy chọn ít nhất một vai trò." in no_roles.content.decode()
    too_high = client.post(url, {"action": "clearance", "clearance": "top_secret"})
    assert too_high.status_code == 400
    assert "Không thể cấp mức tiếp cận cao hơn mức của chính bạn." in too_high.content.decode()
    clerk.refresh_from_db()
    assert clerk.roles == ["clerk", "specialist"] and clerk.clearance == "none"


def test_role_change_without_csrf_token_is_refused(city: Any, tu_admin: User, clerk: User) -> None:
    client = client_for(tu_admin, enforce_csrf_checks=True)
    answer = client.post(
        f"/quan-tri/nguoi-dung/{clerk.pk}/", {"action": "roles", "roles": ["admin"]}
    )
    assert answer.status_code == 403
    assert clerk.roles == ["clerk", "specialist"]
