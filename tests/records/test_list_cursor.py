"""The dossier list's keyset cursor (``?after=``, ``next_after``): API and web (/ho-so/).

The same pages as ``?page=N``, in the list's order (newest year, organisation, code, id), with
the same 400 answers as the archive's and the registry's lists; a cursor, forged or not, never
shows a dossier the reader may not see (docs/records.md, "Lists")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.records.conftest import Office, client_for
from vanthu.core.keyset import encode_cursor
from vanthu.records import services
from vanthu.records.models import Dossier

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"


@pytest.fixture
def shelf(office: Office) -> dict[str, Any]:
    """Eleven dossiers over three years with equal codes across years (ties in the order), one
    of them secret (its document is), and one of another committee."""
    for year in (2024, 2025, 2026):
        for n in range(1, 4 + (year == 2026)):
            office.dossier(code=f"{n:02d}.VP", year=year, title=f"Hồ sơ {n} năm {year}")
    secret = office.dossier(code="09.VP", year=2025, title="Hồ sơ nhân sự kín")
    services.add_document(
        actor=office.clerk, dossier=secret, document=office.document(secrecy="secret")
    )
    foreign = services.create_dossier(
        actor=office.outsider,
        organization=office.city.du2,
        data={"code": "01.DU2", "title": "Hồ sơ đảng ủy khác", "year": 2025},
    )
    return {"secret": secret, "foreign": foreign}


def walk(api: Any, url: str) -> tuple[list[int], list[Any]]:
    ids: list[int] = []
    counts: list[Any] = []
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, (url, answer.content)
        data = answer.json()
        ids += [row["id"] for row in data["results"]]
        counts.append(data["count"])
        url = data["next"]
    return ids, counts


def expected(user_sees_secret: bool, office: Office, shelf: dict[str, Any]) -> list[int]:
    rows = Dossier.objects.filter(organization=office.org)
    if not user_sees_secret:
        rows = rows.exclude(pk=shelf["secret"].pk)
    return list(
        rows.order_by("-year", "organization_id", "code", "pk").values_list("pk", flat=True)
    )


def test_cursor_pages_are_the_numbered_pages(office: Office, shelf: dict[str, Any]) -> None:
    api = client_for(office.clerk)
    by_page, page_counts = walk(api, f"{URL}?page_size=3")
    first = api.get(URL, {"page_size": 3}).json()
    assert first["next_after"] and "page=2" in first["next"]
    by_cursor, cursor_counts = walk(api, f"{URL}?page_size=3&after={first['next_after']}")
    whole = expected(True, office, shelf)
    assert len(whole) == 11
    assert by_page == whole
    assert [r["id"] for r in first["results"]] + by_cursor == whole
    assert set(page_counts) == {11}
    assert set(cursor_counts) == {None}  # a cursor page does not count the list again
    last = api.get(URL, {"page_size": 200}).json()
    assert last["next_after"] is None and last["next"] is None


def test_a_cursor_page_carries_after_not_page_and_no_previous(
    office: Office, shelf: dict[str, Any]
) -> None:
    api = client_for(office.clerk)
    first = api.get(URL, {"page_size": 5, "year": 2026}).json()
    assert first["count"] == 4 and first["next_after"] is None  # filters hold, one page
    first = api.get(URL, {"page_size": 5}).json()
    second = api.get(URL, {"page_size": 5, "after": first["next_after"]}).json()
    assert second["previous"] is None and second["count"] is None
    assert "after=" in second["next"] and "page=" not in second["next"]
    assert second["next_after"] in second["next"]
    assert "count_exact" not in second  # the dossier list's count is exact: no such field


@pytest.mark.parametrize(
    "after",
    [
        "garbage!",
        "",
        encode_cursor([2026, 1]),  # too short
        encode_cursor(["2026", 1, "01.VP", 5]),  # a year as text
        encode_cursor([2026, 1, "x" * 31, 5]),  # longer than a code can be
        encode_cursor([2026, 1, "01.VP", 2**70]),  # beyond any id
        "e30",  # {}
    ],
)
def test_a_bad_cursor_is_400_on_after_and_changes_nothing(
    office: Office, shelf: dict[str, Any], after: str
) -> None:
    before = Dossier.objects.count()
    answer = client_for(office.clerk).get(URL, {"after": after})
    assert answer.status_code == 400
    assert answer.json() == {"after": ["Con trỏ trang không hợp lệ."]}
    assert Dossier.objects.count() == before


def test_after_with_page_is_400(office: Office, shelf: dict[str, Any]) -> None:
    api = client_for(office.clerk)
    after = api.get(URL, {"page_size": 2}).json()["next_after"]
    answer = api.get(URL, {"after": after, "page": "2"})
    assert answer.status_code == 400
    assert answer.json() == {"after": ["Không dùng con trỏ trang cùng số trang."]}


def test_no_hidden_dossier_comes_through_a_cursor(office: Office, shelf: dict[str, Any]) -> None:
    # Cursors forged just before the secret and the foreign dossier, for users who may not see
    # them: the rows after are only theirs, and nothing of the hidden ones shows.
    for hidden in (shelf["secret"], shelf["foreign"]):
        values = [hidden.year, hidden.organization_id, hidden.code, hidden.pk - 1]
        for user in (office.specialist, office.archivist):
            answer = client_for(user).get(URL, {"after": encode_cursor(values), "page_size": 200})
            assert answer.status_code == 200
            ids = [r["id"] for r in answer.json()["results"]]
            assert shelf["secret"].pk not in ids and shelf["foreign"].pk not in ids
            assert set(ids) <= set(expected(False, office, shelf))
            assert "nhân sự kín" not in answer.content.decode()
            assert answer.json()["count"] is None


def test_the_schema_documents_after_and_next_after(office: Office) -> None:
    schema = client_for(office.clerk).get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    assert "after" in {p["name"] for p in operation["parameters"]}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert "next_after" in body["properties"]
    assert body["properties"]["count"].get("nullable") is True


# --- web ---------------------------------------------------------------------------------


@pytest.fixture
def _no_second_factor(settings: Any) -> None:
    # The clerk holds a clearance; the list, not the OTP step, is tested (as in test_web).
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def web(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.usefixtures("_no_second_factor")
def test_the_web_list_pages_by_cursor(
    office: Office, shelf: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr("vanthu.records.views.PAGE_SIZE", 5)
    browser = web(office.clerk)
    first = browser.get("/ho-so/")
    assert first.status_code == 200
    page = first.context["page"]
    assert page.number == 1 and first.context["next_after"]
    link = f"trang=2&amp;after={first.context['next_after']}"
    assert link in first.content.decode()
    second = browser.get("/ho-so/", {"trang": "2", "after": first.context["next_after"]})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Trang 2/3" in html
    shown = [d.pk for d in second.context["page"]]
    assert shown == expected(True, office, shelf)[5:10]
    assert "after=" in html  # a third page follows
    third = browser.get("/ho-so/", {"trang": "3", "after": second.context["next_after"]}).context[
        "page"
    ]
    assert [d.pk for d in third] == expected(True, office, shelf)[10:]
    assert not third.has_next()


@pytest.mark.usefixtures("_no_second_factor")
def test_a_broken_web_cursor_shows_the_first_page_with_a_message(
    office: Office, shelf: dict[str, Any]
) -> None:
    before = Dossier.objects.count()
    answer = web(office.clerk).get("/ho-so/", {"after": "không-phải-con-trỏ", "trang": "4"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Liên kết trang sau không hợp lệ: danh sách được hiện lại từ đầu." in html
    assert answer.context["page"].number == 1
    assert Dossier.objects.count() == before
