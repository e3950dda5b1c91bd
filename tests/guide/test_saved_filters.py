"""Saved filters: bad input changes nothing, and each user sees and deletes only their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.guide.conftest import client_for
from vanthu.guide.models import SavedFilter

pytestmark = pytest.mark.django_db
API = "/api/v1/saved-filters/"


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _create(user: Any, **changes: Any) -> Any:
    data = {"page": "registry:incoming-list", "name": "Khẩn chưa xử lý", "query": "do_khan=urgent"}
    data.update(changes)
    return api_for(user).post(API, data, format="json")


def test_save_list_and_delete_my_filter(people: Any) -> None:
    answer = _create(people.clerk, query="?do_khan=urgent&trang=3&q=nh%C3%A2n+s%E1%BB%B1")
    assert answer.status_code == 201
    body = answer.json()
    assert body["query"] == "do_khan=urgent&q=nh%C3%A2n+s%E1%BB%B1"  # page number dropped
    assert body["url"] == "/van-ban/den/?do_khan=urgent&q=nh%C3%A2n+s%E1%BB%B1"
    listed = api_for(people.clerk).get(API).json()
    assert [f["name"] for f in listed] == ["Khẩn chưa xử lý"]
    assert api_for(people.clerk).delete(f"{API}{body['id']}/").status_code == 204
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "hai\ndòng"}, "name"),
        ({"page": "registry:incoming-detail"}, "page"),
        ({"page": "khong-co"}, "page"),
        ({"query": ""}, "query"),
        ({"query": "trang=2"}, "query"),
        ({"query": "q=" + "a" * 1200}, "query"),
    ],
)
def test_bad_input_is_a_field_error_and_stores_nothing(
    people: Any, changes: dict[str, str], field: str
) -> None:
    answer = _create(people.clerk, **changes)
    assert answer.status_code == 400
    assert field in answer.json()
    assert not SavedFilter.objects.exists()


def test_a_second_filter_with_the_same_name_is_refused(people: Any) -> None:
    assert _create(people.clerk).status_code == 201
    again = _create(people.clerk, query="do_khan=flash")
    assert again.status_code == 400 and "Đã có bộ lọc tên" in again.json()["name"][0]
    assert SavedFilter.objects.get().query == "do_khan=urgent"
    # Another user may use the same name: filters are private.
    assert _create(people.specialist).status_code == 201


def test_another_users_filter_is_invisible_and_cannot_be_deleted(people: Any) -> None:
    mine = _create(people.clerk).json()
    other = api_for(people.specialist)
    assert other.get(API).json() == []
    assert other.delete(f"{API}{mine['id']}/").status_code == 404
    assert other.delete(f"{API}999999/").status_code == 404
    web = client_for(people.specialist).post(f"/bo-loc/{mine['id']}/xoa/")
    assert web.status_code == 404
    assert SavedFilter.objects.filter(pk=mine["id"]).exists()


def test_the_api_needs_a_signed_in_user() -> None:
    assert APIClient().get(API).status_code in (401, 403)
    assert APIClient().post(API, {}, format="json").status_code in (401, 403)


def test_save_from_the_list_page_and_find_it_there(people: Any) -> None:
    client = client_for(people.clerk)
    page = client.get("/van-ban/den/", {"do_khan": "urgent"}).content.decode()
    assert 'name="query" value="do_khan=urgent"' in page
    answer = client.post(
        "/bo-loc/luu/",
        {
            "page": "registry:incoming-list",
            "name": "Văn bản khẩn",
            "query": "do_khan=urgent",
            "next": "/van-ban/den/?do_khan=urgent",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/van-ban/den/?do_khan=urgent"
    page = client.get("/van-ban/den/").content.decode()
    assert 'href="/van-ban/den/?do_khan=urgent">Văn bản khẩn</a>' in page
    # Another user's list page does not show it.
    assert (
        "Văn bản khẩn</a>"
        not in client_for(people.specialist).get("/van-ban/den/").content.decode()
    )


def test_a_bad_save_from_the_page_says_why_and_goes_nowhere_else(people: Any) -> None:
    client = client_for(people.clerk)
    answer = client.post(
        "/bo-loc/luu/",
        {
            "page": "registry:incoming-list",
            "name": "",
            "query": "do_khan=urgent",
            "next": "https://example.org/",
        },
        follow=True,
    )
    assert answer.redirect_chain[0][0] == "/van-ban/den/"  # never an outside address
    assert "Phải đặt tên cho bộ lọc." in answer.content.decode()
    assert not SavedFilter.objects.exists()


def test_the_search_page_and_outgoing_list_offer_saved_filters(people: Any) -> None:
    client = client_for(people.clerk)
    assert "Bộ lọc đã lưu" in client.get("/tra-cuu/", {"q": "nhân sự"}).content.decode()
    assert "Bộ lọc đã lưu" in client.get("/van-ban/di/").content.decode()
    assert "Bộ lọc đã lưu" not in Client().get("/dang-nhap/").content.decode()


def test_listing_my_filters_takes_a_fixed_number_of_queries(
    people: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        assert _create(people.clerk, name=f"Bộ lọc {n}").status_code == 201
    client = api_for(people.clerk)
    with django_assert_max_num_queries(3):
        assert len(client.get(API).json()) == 5
