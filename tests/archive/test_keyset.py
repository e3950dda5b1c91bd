"""Keyset pages of the archive lists (``?after=``, archive.paging; docs/api.md, docs/archive.md).

The rows are made in bulk so that the lists have ties in their order (the same end date and
code in several years), dossiers without an end date (the due list holds them; PostgreSQL sorts
them last, SQLite first), classified dossiers and another committee's dossiers that the reader
may not see. Every list is walked twice, by ``?page=`` and by ``next`` with ``?after=``, and the
two walks must give the same ids in the same order, the ones computed here from the rows made.
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.records.conftest import Office, client_for
from vanthu.archive import selectors, services_storage
from vanthu.archive.models import ArchivalUnit, Fonds
from vanthu.core.keyset import BadCursor, encode_cursor, keyset_page
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, RetentionCode

LISTS = ["/api/v1/transfers/due/", "/api/v1/disposals/review/", "/api/v1/archival-units/"]


def _dossier(
    office: Office,
    n: int,
    *,
    ended: datetime.date | None,
    code: str,
    secrecy: str = "none",
    organization: Organization | None = None,
) -> Dossier:
    now = timezone.now()
    return Dossier(
        organization=organization or office.org,
        code=code,
        title=f"Hồ sơ hội nghị số {n}",
        year=2000 + n,  # the same code in several years: ties on (end_date, code)
        retention_code=RetentionCode.for_years(10),
        retention_years=10,
        status=Dossier.Status.CLOSED,
        opened_at=now,
        closed_at=now,
        closed_by=office.clerk,
        end_date=ended,
        secrecy=secrecy,
        created_by=office.clerk,
    )


class Shelf:
    """Closed dossiers of 2005–2012 (due for transfer and expired), with their numbers."""

    def __init__(self, office: Office) -> None:
        self.office = office
        rows = []
        for n in range(24):
            # Four end dates and three codes: many rows share both.
            ended = None if n % 7 == 3 else datetime.date(2005 + n % 4, 3, 1)
            rows.append(_dossier(office, n, ended=ended, code=f"0{n % 3}.VP"))
        # Beyond the archivist (clearance "secret", not a participant) and another branch.
        rows.append(
            _dossier(
                office, 40, ended=datetime.date(2006, 3, 1), code="01.VP", secrecy="top_secret"
            )
        )
        rows.append(
            _dossier(
                office, 41, ended=datetime.date(2006, 3, 1), code="01.VP", secrecy="confidential"
            )
        )
        rows.append(
            _dossier(
                office,
                42,
                ended=datetime.date(2006, 3, 1),
                code="01.VP",
                organization=office.city.du2,
            )
        )
        made = Dossier.objects.bulk_create(rows)
        self.hidden = {d.pk for d in made[24:]}
        fonds = services_storage.create_fonds(
            actor=office.archivist, organization=office.org, kind="party", code="P01", name="Phông"
        )
        other = Fonds.objects.create(
            organization=office.city.du2, kind="party", code="P02", name="Phông ĐU2"
        )
        ArchivalUnit.objects.bulk_create(
            ArchivalUnit(
                dossier=d,
                fonds=other if d.organization_id != office.org.pk else fonds,
                catalogue_number=1,
                file_number=n + 1,
                assigned_by=office.archivist,
            )
            for n, d in enumerate(made)
        )

    def expected(self, url: str, user: User) -> list[int]:
        """The list's ids in its order, computed from the rows (NULLs where the database puts
        them), not by the access policy: the reader's own organisation, nothing classified
        (none of these readers is a participant of the classified dossiers)."""
        org = self.office.city.du2 if user == self.office.outsider else self.office.org
        visible = list(Dossier.objects.filter(organization=org, secrecy="none"))
        if url.endswith("archival-units/"):
            units = ArchivalUnit.objects.filter(dossier__in=[d.pk for d in visible])
            return sorted(u.pk for u in units)
        if url.endswith("review/"):
            visible = [d for d in visible if d.end_date is not None]
        nulls_last = connection.features.nulls_order_largest
        far = datetime.date.max if nulls_last else datetime.date.min

        def key(d: Dossier) -> tuple[Any, ...]:
            return (d.end_date or far, d.code, d.pk)

        return [d.pk for d in sorted(visible, key=key)]


@pytest.fixture
def shelf(office: Office) -> Shelf:
    return Shelf(office)


def walk(api: Any, first: str) -> tuple[list[int], list[int]]:
    """Follow ``next`` from ``first``: the ids seen and the counts answered."""
    ids, counts, url = [], [], first
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, (url, answer.content)
        data = answer.json()
        ids += [row["id"] for row in data["results"]]
        counts.append(data["count"])
        url = data["next"]
    return ids, counts


@pytest.mark.parametrize("url", LISTS)
def test_cursor_pages_are_the_offset_pages(shelf: Shelf, url: str) -> None:
    # Pages of 3 over 4 end dates × 3 codes: most page ends fall inside a run of ties.
    size = 3
    api = client_for(shelf.office.archivist)
    by_page, page_counts = walk(api, f"{url}?page_size={size}")
    first = api.get(f"{url}?page_size={size}").json()
    by_cursor: list[int] = [row["id"] for row in first["results"]]
    cursor_counts = [first["count"]]
    if first["next_after"]:
        more, counts = walk(api, f"{url}?page_size={size}&after={first['next_after']}")
        by_cursor += more
        cursor_counts += counts
    expected = shelf.expected(url, shelf.office.archivist)
    assert len(expected) >= 16
    assert by_page == expected
    assert by_cursor == expected  # no row lost or doubled, ties included
    assert set(page_counts) == {len(expected)}
    # A page after a cursor does not count the list again: the first page's count holds.
    assert cursor_counts[0] == len(expected) and set(cursor_counts[1:]) == {None}
    assert not shelf.hidden & set(by_cursor)


def test_next_links_of_cursor_pages_carry_after_not_page(shelf: Shelf) -> None:
    api = client_for(shelf.office.archivist)
    first = api.get("/api/v1/transfers/due/?page_size=5").json()
    assert "page=2" in first["next"] and first["next_after"]
    second = api.get(f"/api/v1/transfers/due/?page_size=5&after={first['next_after']}").json()
    assert "after=" in second["next"] and "page=" not in second["next"]
    assert second["previous"] is None
    assert second["next_after"] in second["next"]
    last = api.get("/api/v1/transfers/due/?page_size=200").json()
    assert last["next"] is None and last["next_after"] is None


@pytest.mark.parametrize("url", LISTS)
def test_no_hidden_dossier_comes_through_a_cursor(shelf: Shelf, url: str) -> None:
    # Cursors forged just before each classified or foreign dossier: only what the reader may
    # see follows, for the archivist, a specialist of the office and another committee's clerk.
    office = shelf.office
    for pk in shelf.hidden:
        hidden = Dossier.objects.get(pk=pk)
        if url.endswith("archival-units/"):
            values: list[Any] = [hidden.archival_unit.pk - 1]
        else:
            values = [hidden.end_date, hidden.code, hidden.pk - 1]
        for user in (office.archivist, office.specialist, office.outsider):
            ids, counts = walk(client_for(user), f"{url}?after={encode_cursor(values)}")
            allowed = shelf.expected(url, user)
            assert set(ids) <= set(allowed), (user, url)
            assert set(counts) == {None}  # a cursor page counts nothing, hidden or not
            if user != office.outsider:
                assert not shelf.hidden & set(ids)
            else:
                assert len(allowed) == 1 and not set(shelf.expected(url, office.archivist)) & set(
                    ids
                )


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BAD_CURSORS = [
    "",
    "không-phải-con-trỏ",
    "%%%",
    _b64({"end_date": "2005-03-01"}),
    _b64(["2005-03-01", "01.VP"]),  # one value short
    _b64(["01/03/2005", "01.VP", 1]),  # not ISO
    _b64(["2005-02-30", "01.VP", 1]),
    _b64(["2005-03-01", 1, 1]),
    _b64(["2005-03-01", "01.VP", "1"]),
    _b64(["2005-03-01", "01.VP", True]),
    _b64(["2005-03-01", "01.VP", 2**70]),
    _b64(["2005-03-01", "x" * 31, 1]),
    _b64(["2005-03-01", None, 1]),  # code is never NULL
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "A" * 3000,
]


def test_bad_cursors_are_400_field_errors(shelf: Shelf) -> None:
    before = (Dossier.objects.count(), ArchivalUnit.objects.count())
    api = client_for(shelf.office.archivist)
    for after in BAD_CURSORS:
        for url in ("/api/v1/transfers/due/", "/api/v1/disposals/review/"):
            answer = api.get(url, {"after": after})
            assert answer.status_code == 400, (url, after)
            assert answer.json() == {"after": ["Con trỏ trang không hợp lệ."]}
    for after in [_b64([None]), _b64(["1"]), _b64([1, 2]), _b64([-(2**64)]), BAD_CURSORS[1]]:
        answer = api.get("/api/v1/archival-units/", {"after": after})
        assert answer.status_code == 400 and list(answer.json()) == ["after"], after
    assert (Dossier.objects.count(), ArchivalUnit.objects.count()) == before


def test_a_filter_that_matches_nothing_still_pages_by_cursor(shelf: Shelf) -> None:
    """``due_within`` below zero or unreadable matches nothing; its empty list keeps the order a
    cursor needs (it was a 500, "keyset order must end with the primary key", found by
    schemathesis with ``?due_within=-2039508&after=…``)."""
    api = client_for(shelf.office.archivist)
    after = api.get("/api/v1/transfers/due/?page_size=2").json()["next_after"]
    for due_within in ("-2039508", "abc", "-0"):
        answer = api.get("/api/v1/transfers/due/", {"due_within": due_within, "after": after})
        assert answer.status_code == 200, (due_within, answer.content)
        assert answer.json()["results"] == []
        bad = api.get("/api/v1/transfers/due/", {"due_within": due_within, "after": "assign"})
        assert bad.status_code == 400 and list(bad.json()) == ["after"], bad.content


def test_after_with_page_is_refused(shelf: Shelf) -> None:
    api = client_for(shelf.office.archivist)
    after = api.get("/api/v1/transfers/due/?page_size=2").json()["next_after"]
    answer = api.get("/api/v1/transfers/due/", {"after": after, "page": "2"})
    assert answer.status_code == 400
    assert answer.json() == {"after": ["Không dùng con trỏ trang cùng số trang."]}


def test_the_schema_documents_after_and_next_after(db: Any) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/transfers/due/", "/api/v1/disposals/review/", "/api/v1/archival-units/"):
        operation = schema["paths"][path]["get"]
        assert "after" in {p["name"] for p in operation["parameters"]}, path
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert {"count_exact", "next_after"} <= set(body["properties"]), path


@pytest.mark.parametrize("order", [("end_date", "code", "pk"), ("-end_date", "-code", "-pk")])
def test_keyset_pages_in_either_direction_with_nulls(shelf: Shelf, order: tuple[str, ...]) -> None:
    qs = Dossier.objects.filter(organization=shelf.office.org).order_by(*order)
    whole = list(qs.values_list("pk", flat=True))
    seen: list[int] = []
    after = None
    while True:
        rows, after = keyset_page(qs, after, 3)
        seen += [d.pk for d in rows]
        if after is None:
            break
    assert seen == whole and len(whole) == 26
    with pytest.raises(BadCursor):
        keyset_page(qs, "e30", 3)  # {}


def test_web_sections_page_with_after(
    shelf: Shelf, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vanthu.archive import views

    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # no second factor asked in this test
    monkeypatch.setattr(views, "SECTION_ROWS", 4)
    web = Client()
    web.force_login(shelf.office.archivist)
    expected = shelf.expected("/api/v1/disposals/review/", shelf.office.archivist)
    codes = {d.pk: d.code for d in Dossier.objects.all()}
    seen: list[int] = []
    url: str | None = "/luu-tru/phan/huy/"
    while url:
        page = web.get(url).content.decode()
        seen += [int(v) for v in _values(page)]
        assert "Trang sau" in page or len(seen) == len(expected)
        url = _next(page)
    assert seen == expected
    assert not shelf.hidden & set(seen)
    assert all(
        codes[pk] in text
        for pk, text in [(seen[0], web.get("/luu-tru/phan/huy/").content.decode())]
    )
    # A link that is not a cursor of this list: the first page, with a message.
    bad = web.get("/luu-tru/phan/huy/", {"after": "hỏng"})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "Liên kết trang sau không hợp lệ: danh sách được hiện lại từ đầu." in text
    assert [int(v) for v in _values(text)] == expected[:4]


def _values(page: str) -> list[str]:
    import re

    return re.findall(r'name="dossiers" value="(\d+)"', page)


def _next(page: str) -> str | None:
    import re

    found = re.search(r'href="([^"]*\?after=[^"]*)"[^>]*>Trang sau<', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_due_section_pages_with_after(
    office: Office, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vanthu.archive import views

    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""

    monkeypatch.setattr(views, "SECTION_ROWS", 2)
    today = timezone.localdate()
    ended = today - datetime.timedelta(days=350)  # due within 30 days
    made = Dossier.objects.bulk_create(
        _dossier(office, n, ended=ended, code=f"0{n}.VP") for n in range(5)
    )
    secret = _dossier(office, 9, ended=ended, code="00.VP", secrecy="secret")
    secret.created_by = office.leader
    secret.save()
    web = Client()
    web.force_login(office.clerk)
    codes: list[str] = []
    url: str | None = "/luu-tru/phan/den-han/"
    while url:
        page = web.get(url).content.decode()
        codes += [
            c for c in ("00.VP", "01.VP", "02.VP", "03.VP", "04.VP") if f"<td>{c}</td>" in page
        ]
        assert "Hồ sơ hội nghị số 9" not in page
        url = _next(page)
    assert codes == [d.code for d in made]
    assert list(selectors.transfer_due(office.clerk, due_within="30")) == made
