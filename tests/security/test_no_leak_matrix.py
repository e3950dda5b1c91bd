"""The no-leak matrix (issue 6, "No leak, proved").

A hierarchy with classified and ordinary documents in two branches (unique marker words in the
summaries, senders, files and extracted text), users across clearance × organisation × grant
(an expired grant too), and every read path of the project found at run time by walking the URL
resolver:

- every object URL that takes a document answers 404 (never 403) to a user not entitled to it,
  and no marker of a document they are not entitled to is in any body;
- every list page/endpoint (any pattern without arguments) is fetched plain and with ``?q=`` a
  marker by every user: no foreign marker in the body, and the count is the same as for a word
  nobody wrote (a count is a leak too);
- a new URL pattern under the watched prefixes that this file neither covers nor explains
  fails ``test_every_read_path_is_in_the_matrix``: add it to ``COVERED`` or ``NOT_A_READ_PATH``.

Entitlement is written out by hand here (``ENTITLED``), not computed by the policy: the test is
an independent oracle, and positive controls prove each entitled user really sees each marker.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.registry.conftest import incoming_payload
from tests.security.conftest import body_of, client_for, pdf_text, pdf_with, upload
from vanthu.access.models import Grant
from vanthu.access.services import grant_access
from vanthu.registry import services
from vanthu.registry.models import Document, DocumentFile, TextStatus

# "luu-tru/phan/": the sections of the archivist's page, each its own list (docs/archive.md).
WATCHED = (
    "api/v1/",
    "van-ban/",
    "bao-cao/",
    "ho-so/",
    "tra-cuu/",
    "bao-quan/",
    "luu-tru/phan/",
    "so-hoa/",
)

# Object URLs, by what their arguments name. "document…" kinds must answer 404 to a user not
# entitled to the document; the others must only never show a foreign marker.
COVERED: dict[str, str] = {
    "api/v1/incoming/<int:pk>/": "document",
    "api/v1/incoming/<int:pk>/files/": "document",
    "api/v1/incoming/<int:pk>/present/": "document",
    "api/v1/incoming/<int:pk>/assign/": "document",
    "api/v1/incoming/<int:pk>/complete/": "document",
    "api/v1/incoming/<int:pk>/register/": "document",
    "api/v1/incoming/<int:pk>/return/": "document",
    "api/v1/outgoing/<int:pk>/": "document",
    "api/v1/outgoing/<int:pk>/files/": "document",
    "api/v1/outgoing/<int:pk>/issue/": "document",
    "api/v1/outgoing/<int:pk>/send/": "document",
    "api/v1/outgoing/<int:pk>/template.pdf": "document",
    "api/v1/outgoing/<int:pk>/template.docx": "document",
    "van-ban/di/<int:pk>/mau.pdf": "document",
    "van-ban/di/<int:pk>/mau.docx": "document",
    "api/v1/documents/<int:pk>/": "document",
    "api/v1/documents/<int:pk>/text/": "document",
    "api/v1/documents/<int:pk>/files/<int:file_id>/download/": "document",
    "api/v1/documents/<int:pk>/access-log/": "document",
    "api/v1/documents/<int:pk>/grants/": "document",
    "api/v1/documents/<int:pk>/grants/<int:grant_id>/": "document",
    "api/v1/documents/<int:pk>/protection/": "document",
    "api/v1/documents/<int:pk>/declassify/": "document",
    "api/v1/documents/<int:pk>/downgrade/": "document",
    "api/v1/documents/<int:pk>/extend-protection/": "document",
    "api/v1/documents/<int:pk>/copies/": "document",
    "api/v1/documents/<int:pk>/copy-orders/": "document",
    "api/v1/documents/<int:pk>/handovers/": "document",
    "api/v1/documents/<int:pk>/handovers/confirm/": "document",
    "api/v1/reports/incoming/<int:pk>/slip.pdf": "document",
    "api/v1/documents/<int:pk>/files/<int:file_id>/pages/<int:page>.png": "document",
    "api/v1/documents/<int:pk>/files/<int:file_id>/thumbnail.png": "document",
    "van-ban/den/<int:pk>/": "document",
    "van-ban/den/<int:pk>/trinh/": "document",
    "van-ban/den/<int:pk>/but-phe/": "document",
    "van-ban/den/<int:pk>/hoan-thanh/": "document",
    "van-ban/den/<int:pk>/vao-so/": "document",
    "van-ban/den/<int:pk>/tra-lai/": "document",
    "van-ban/<int:pk>/tep/": "document",
    "van-ban/di/<int:pk>/": "document",
    "van-ban/di/<int:pk>/ban-hanh/": "document",
    "van-ban/di/<int:pk>/gui/": "document",
    # the "Mật" panel's web actions (docs/security.md §8–10; POST only)
    "van-ban/<int:pk>/mat/thoi-han/": "document",
    "van-ban/<int:pk>/mat/giam-mat/": "document",
    "van-ban/<int:pk>/mat/giai-mat/": "document",
    "van-ban/<int:pk>/mat/ban-so/": "document",
    "van-ban/<int:pk>/mat/chuyen-giao/": "document",
    "van-ban/<int:pk>/mat/ky-nhan/": "document",
    "bao-cao/phieu-giai-quyet/<int:pk>/": "document",
    "api/v1/dossiers/<int:pk>/": "dossier",
    "api/v1/dossiers/<int:pk>/documents/": "dossier",
    "api/v1/dossiers/<int:pk>/documents/<int:document_pk>/": "dossier",
    # the dossiers section (docs/records.md "Web"), and bulk filing (POST only)
    "api/v1/dossiers/<int:pk>/documents/bulk/": "dossier",
    "ho-so/<int:pk>/": "dossier",
    "ho-so/<int:pk>/ket-thuc/": "dossier",
    "ho-so/<int:pk>/mo-lai/": "dossier",
    "ho-so/<int:pk>/che-do-su-dung/": "dossier",
    "api/v1/registers/<int:pk>/print/": "register",
    "bao-cao/so/<int:pk>/in/": "register",
    "van-ban/den/goi-y/<str:field>/": "suggest",
    # suggestions learnt from history (docs/suggest.md)
    "api/v1/incoming/<int:pk>/suggestions/": "document",
    "api/v1/incoming/<int:pk>/suggestions/accept/": "document",
    "api/v1/dossiers/<int:pk>/suggestions/": "dossier",
    "van-ban/goi-y/den/<int:pk>/": "document",
    "van-ban/goi-y/den/<int:pk>/ap-dung/": "document",
    # archive (docs/archive.md): requests, reading viewer, copies, disposal, holds
    "api/v1/access-requests/<int:pk>/": "archive",
    "api/v1/access-requests/<int:pk>/decide/": "archive",
    "api/v1/access-requests/<int:pk>/return/": "archive",
    "api/v1/access-requests/<int:pk>/documents/": "archive",
    "api/v1/access-requests/<int:pk>/documents/<int:document_pk>/page.png": "archive",
    "api/v1/access-requests/<int:pk>/copies/": "archive",
    "api/v1/disposals/<int:pk>/": "archive",
    "api/v1/disposals/<int:pk>/vote/": "archive",
    "api/v1/disposals/<int:pk>/approve/": "archive",
    "api/v1/disposals/<int:pk>/execute/": "archive",
    "api/v1/legal-holds/<int:pk>/release/": "archive",
    "api/v1/held-back/<int:pk>/decide/": "archive",
    # drafts (docs/drafts.md): versions, reviews, initials, approval, relations
    "api/v1/outgoing/<int:pk>/versions/": "document",
    "api/v1/outgoing/<int:pk>/versions/<int:file_id>/download/": "document",
    "api/v1/outgoing/<int:pk>/reviews/": "document",
    "api/v1/outgoing/<int:pk>/initial/": "document",
    "api/v1/outgoing/<int:pk>/approve/": "document",
    "api/v1/outgoing/<int:pk>/replace/": "document",
    "api/v1/outgoing/<int:pk>/correct/": "document",
    "api/v1/outgoing/<int:pk>/recall/": "document",
    "api/v1/documents/<int:pk>/relations/": "document",
    "van-ban/di/<int:pk>/du-thao/": "document",
    "van-ban/di/<int:pk>/gop-y/": "document",
    "van-ban/di/<int:pk>/ky-nhay/": "document",
    "van-ban/di/<int:pk>/duyet/": "document",
    "van-ban/di/<int:pk>/thay-the-thu-hoi/": "document",
    # the organisation's signature (docs/signatures.md; POST only)
    "api/v1/outgoing/<int:pk>/sign/": "document",
    "api/v1/outgoing/<int:pk>/sign-personal/": "document",
    "api/v1/documents/<int:pk>/files/<int:file_id>/certified-copy/": "document",
    "van-ban/di/<int:pk>/ky-so/": "document",
    "van-ban/di/<int:pk>/ky-so-ca-nhan/": "document",
    "van-ban/<int:pk>/tep/<int:file_id>/sao-y/": "document",
    # Xem tệp: a file's pages one at a time (docs/capture.md, "Ảnh trang")
    "van-ban/<int:pk>/tep/<int:file_id>/xem/": "document",
    # the verification queue's "Đã kiểm tra" (docs/capture.md, "Cần kiểm tra chất lượng")
    "so-hoa/kiem-tra/<int:pk>/tep/<int:file_id>/da-kiem-tra/": "document",
    # one scan batch's "chờ vào sổ" table (docs/capture.md)
    "so-hoa/lo/<int:pk>/vao-so/": "batch",
    # preservation (docs/preservation.md): E-ARK packages of a dossier and of a transfer
    "bao-quan/ho-so/<int:pk>/goi-eark.zip": "dossier",
    "bao-quan/nop-luu/<int:pk>/goi-eark.zip": "archive",
}

NOT_A_READ_PATH: dict[str, str] = {
    "api/v1/organizations/<int:pk>/": "organisation administration: names no document",
    "api/v1/organizations/<int:pk>/terms/": "committee terms: names no document",
    "api/v1/users/<int:pk>/": "user administration: names no document",
    "api/v1/file-plans/<int:pk>/": "file plans (danh mục hồ sơ) are headings, no document",
    "api/v1/file-plans/<int:pk>/headings/": "file plan headings, no document",
    "api/v1/file-plans/<int:pk>/items/": "file plan items, no document",
    "api/v1/file-plans/<int:pk>/approve/": "file plan approval, no document",
    "ho-so/danh-muc/<int:pk>/": "the file plan page: headings and planned dossiers, no document",
    "ho-so/danh-muc/<int:pk>/de-muc/": "as the file plan page (POST only)",
    "ho-so/danh-muc/<int:pk>/ho-so/": "as the file plan page (POST only)",
    "ho-so/danh-muc/<int:pk>/ban-hanh/": "as the file plan page (POST only)",
    "ho-so/danh-muc/<int:pk>/mo-ho-so/": "opens a dossier from a plan item (POST only); answers "
    "a redirect to the dossier page, which is in the matrix",
    "api/v1/dossiers/<int:pk>/close/": "closing a dossier answers its fields only (covered "
    "by the dossier detail in the matrix)",
    "api/v1/dossiers/<int:pk>/reopen/": "as close",
    "api/v1/dossiers/<int:pk>/access-regime/": "as close",
    "api/v1/transfers/<int:pk>/": "archive transfers list dossier codes, not document content",
    "api/v1/transfers/<int:pk>/accept/": "as transfers",
    "api/v1/transfers/<int:pk>/return/": "as transfers",
    "api/v1/transfers/<int:pk>/list.pdf": "as transfers: the printed list of a transfer",
    "api/v1/transfers/<int:pk>/handover.pdf": "as transfers: the printed hand-over record",
    "api/v1/exchange/outbox/<int:pk>/resend/": "admin control of an outbox message; answers "
    "its status, never its payload",
    "api/v1/scan-batches/<int:pk>/pause/": "batch control; answers the batch's progress, no "
    "document content",
    "api/v1/scan-batches/<int:pk>/resume/": "as pause",
    "so-hoa/lo/<int:pk>/tam-dung/": "as the API's pause (POST only)",
    "so-hoa/lo/<int:pk>/tiep-tuc/": "as the API's resume (POST only)",
    "api/v1/notifications/<int:pk>/read/": "marks the caller's own notification read (another "
    "user's id is 404); notification text never carries a classified summary (tests/notify)",
    "api/v1/saved-filters/<int:pk>/": "DELETE of the caller's own saved filter (a name and a "
    "query string, no document); another user's id is 404 (tests/guide)",
}

# Patterns with no arguments that must not be fetched with GET by the sweep, and why.
NOT_SWEPT: dict[str, str] = {
    "api/v1/auth/token/": "login endpoint; POST only",
}


def _routes(patterns: Any, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def discovered() -> dict[str, URLPattern]:
    return {
        route: p for route, p in _routes(get_resolver().url_patterns) if route.startswith(WATCHED)
    }


def has_args(route: str) -> bool:
    return "<" in route


def test_every_read_path_is_in_the_matrix() -> None:
    missing = [
        route
        for route in discovered()
        if has_args(route) and route not in COVERED and route not in NOT_A_READ_PATH
    ]
    assert not missing, (
        "New URL patterns that take arguments: add each to COVERED (a document read path) or "
        f"NOT_A_READ_PATH (with a reason) in {__file__}: {missing}"
    )


def test_the_matrix_lists_no_stale_path_twice() -> None:
    assert not set(COVERED) & set(NOT_A_READ_PATH)


# --- the world -----------------------------------------------------------------------------


@dataclass
class Doc:
    name: str
    document: Document
    file: DocumentFile
    markers: tuple[str, ...]


# Who is entitled to which classified document (the oracle; see the module docstring).
ENTITLED: dict[str, set[str]] = {
    "clerk_tu": {"d1", "d3"},  # registered D1, created D3; clerk of TU, cleared secret
    "leader_tu": {"d1"},  # D1 presented to them; no reason for D2 (subtree) or D3
    "specialist_tu": set(),  # cleared, same organisation, but no reason
    "granted_tu": {"d1"},  # a live grant on D1
    "expired_tu": set(),  # a grant on D1 that has expired
    "uncleared_clerk_tu": set(),  # clerk of TU without clearance
    "clerk_du1": set(),  # top secret clearance, another branch
    "clerk_du2": {"d2"},  # registered D2
}


NOBODY = "khongaivietzq"  # a word no document holds


def _word(tag: str) -> str:
    # Letters only, so that every tokenizer keeps it one word.
    return "vtmk" + tag.lower().replace("_", "") + "zq"


@dataclass
class World:
    users: dict[str, Any]
    docs: dict[str, Doc]
    ordinary: Document
    grant: Grant
    dossier_id: int


@pytest.fixture
def world(city: Any, make_user: Any, settings: Any) -> World:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""  # web pages without the TOTP step
    spec = {
        "clerk_tu": (city.tu, "clerk", "secret"),
        "leader_tu": (city.tu, "leader", "top_secret"),
        "specialist_tu": (city.tu, "specialist", "secret"),
        "granted_tu": (city.tu, "specialist", "secret"),
        "expired_tu": (city.tu, "specialist", "secret"),
        "uncleared_clerk_tu": (city.tu, "clerk", "none"),
        "clerk_du1": (city.du1, "clerk", "top_secret"),
        "clerk_du2": (city.du2, "clerk", "confidential"),
    }
    users = {
        name: make_user(
            username=name, full_name=name, organization=org, roles=[role], clearance=level
        )
        for name, (org, role, level) in spec.items()
    }

    def incoming(user: Any, tag: str, secrecy: str) -> Document:
        data = incoming_payload(
            secrecy=secrecy,
            summary=f"Về việc {_word(tag)} bảo vệ bí mật",
            sender=f"Cục {_word(tag + 'sender')}",
            signer=f"Ông {_word(tag + 'signer')}",
            number_symbol=f"{len(tag)}-CV/{tag.upper()}",
        )
        answer = client_for(user).post("/api/v1/incoming/", data, format="json")
        assert answer.status_code == 201, answer.content
        return Document.objects.get(pk=answer.json()["id"])

    def outgoing(user: Any, tag: str, secrecy: str) -> Document:
        data = {
            "document_type": "CV",
            "summary": f"Về việc {_word(tag)} trả lời",
            "signer": "Nguyễn Văn B",
            "secrecy": secrecy,
            "urgency": "normal",
            "recipients": [{"name": "Các ban đảng"}],
        }
        answer = client_for(user).post("/api/v1/outgoing/", data, format="json")
        assert answer.status_code == 201, answer.content
        return Document.objects.get(pk=answer.json()["id"])

    def with_file(user: Any, document: Document, tag: str) -> Doc:
        pdf = pdf_with(f"Noi dung {_word(tag + 'file')}")
        answer = upload(user, document.pk, pdf, f"{tag}.pdf", "application/pdf")
        assert answer.status_code == 201, answer.content
        DocumentFile.objects.filter(pk=answer.json()["id"]).update(
            text=f"Văn bản {_word(tag + 'text')}", text_status=TextStatus.DONE
        )
        markers = tuple(_word(tag + s) for s in ("", "sender", "signer", "file", "text"))
        return Doc(tag, document, DocumentFile.objects.get(pk=answer.json()["id"]), markers)

    d1 = incoming(users["clerk_tu"], "d1", "secret")
    services.present(actor=users["clerk_tu"], document=d1, leader=users["leader_tu"])
    d2 = incoming(users["clerk_du2"], "d2", "confidential")
    d3 = outgoing(users["clerk_tu"], "d3", "confidential")
    docs = {
        "d1": with_file(users["clerk_tu"], d1, "d1"),
        "d2": with_file(users["clerk_du2"], d2, "d2"),
        "d3": with_file(users["clerk_tu"], d3, "d3"),
    }
    ordinary = incoming(users["clerk_tu"], "o1", "none")
    future = timezone.now() + datetime.timedelta(days=30)
    grant = grant_access(
        actor=users["leader_tu"],
        obj=d1,
        grantee=users["granted_tu"],
        reason="Tham mưu",
        expires_at=future,
    )
    old = grant_access(
        actor=users["leader_tu"],
        obj=d1,
        grantee=users["expired_tu"],
        reason="Tạm thời",
        expires_at=future,
    )
    Grant.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    dossier = client_for(users["clerk_tu"]).post(
        "/api/v1/dossiers/",
        {
            "code": "01",
            "title": "Hồ sơ mật",
            "year": timezone.localdate().year,
            "retention_years": 10,
        },
        format="json",
    )
    assert dossier.status_code == 201, dossier.content
    dossier_id = dossier.json()["id"]
    added = client_for(users["clerk_tu"]).post(
        f"/api/v1/dossiers/{dossier_id}/documents/", {"document": d1.pk}, format="json"
    )
    assert added.status_code == 201, added.content
    # A classified access request (docs/archive.md), addressed to the head: its purpose names
    # D1, so the request lists must hide it from everyone not entitled to D1 (the uncleared).
    asked = client_for(users["clerk_tu"]).post(
        "/api/v1/access-requests/",
        {
            "dossiers": [dossier_id],
            "purpose": f"Đọc {_word('d1')}",
            "mode": "read",
            "days": 3,
            "addressed_to": users["leader_tu"].pk,
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content
    from vanthu.search.indexing import index_documents

    index_documents([d.document.pk for d in docs.values()] + [ordinary.pk])
    return World(users, docs, ordinary, grant, dossier_id)


def foreign_markers(world: World, user: str) -> list[str]:
    return [m for name, d in world.docs.items() if name not in ENTITLED[user] for m in d.markers]


def readable(response: Any) -> str:
    """What a person could read in the response: PDF text, spreadsheet cells, or the body."""
    data = body_of(response)
    kind = response.get("Content-Type", "")
    if data.startswith(b"%PDF"):
        return pdf_text(data) + data.decode("latin-1")
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    assert "pdf" not in kind, kind
    return data.decode("utf-8", "ignore")


_CLIENTS: dict[tuple[int, bool], Any] = {}


def web_client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def client(user: Any, route: str) -> Any:
    """One client per user and kind (logging in for each request would be slow)."""
    api = route.startswith("api/")
    key = (user.pk, api)
    if key not in _CLIENTS:
        _CLIENTS[key] = client_for(user) if api else web_client(user)
    return _CLIENTS[key]


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    _CLIENTS.clear()
    yield
    _CLIENTS.clear()


def fill(route: str, values: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def request_as(user: Any, route: str, url: str) -> Any:
    """GET (or, where the path takes only writes, POST/DELETE) as ``user``."""
    c = client(user, route)
    answer = c.get(url)
    if answer.status_code == 405:
        answer = c.post(url, {})
        if answer.status_code == 405:
            answer = c.delete(url)
    return answer


def assert_no_leak(
    world: World, user: str, answer: Any, where: str, *, echo: str = "", echoes: int = 0
) -> None:
    """No foreign marker in the body. ``echo``: the marker the request itself searched for,
    which the page may repeat back exactly as often as it repeats a word nobody wrote."""
    text = readable(answer).lower()
    for marker in foreign_markers(world, user):
        if marker == echo:
            assert text.count(marker) == echoes, f"{marker} leaked to {user} by {where}"
        else:
            assert marker not in text, f"{marker} leaked to {user} by {where}"


# --- the matrix ----------------------------------------------------------------------------


def test_entitled_users_see_their_documents(world: World) -> None:
    """Positive controls: the oracle matches what entitled users really get."""
    for user, names in ENTITLED.items():
        c = client_for(world.users[user])
        for name in names:
            d = world.docs[name]
            detail = c.get(f"/api/v1/documents/{d.document.pk}/")
            assert detail.status_code == 200, (user, name)
            assert d.markers[0] in detail.content.decode().lower()
            text = c.get(f"/api/v1/documents/{d.document.pk}/text/").json()["text"]
            assert d.markers[-1] in text
            url = f"/api/v1/documents/{d.document.pk}/files/{d.file.pk}/download/"
            assert d.markers[3] in pdf_text(body_of(c.get(url)))
    found = client_for(world.users["clerk_tu"]).get("/api/v1/search/", {"q": _word("d1")})
    assert found.json()["count"] == 1


def test_object_paths_are_404_and_leak_nothing(world: World) -> None:
    routes = discovered()
    checked = 0
    for route, kind in COVERED.items():
        if route not in routes or kind != "document":
            continue
        for user, entitled in ENTITLED.items():
            for name, d in world.docs.items():
                if name in entitled:
                    continue
                values = {
                    "pk": d.document.pk,
                    "file_id": d.file.pk,
                    "grant_id": world.grant.pk,
                    "page": 1,
                }
                url = fill(route, values)
                answer = request_as(world.users[user], route, url)
                assert answer.status_code == 404, (url, user, answer.status_code)
                assert_no_leak(world, user, answer, url)
                checked += 1
    assert checked > 100
    # Nothing was changed by the refused writes.
    assert not Grant.objects.filter(revoked_at__isnull=False).exists()


def test_other_object_paths_leak_nothing(world: World) -> None:
    routes = discovered()
    register_id = world.docs["d1"].document.register_id
    values = {
        "pk": 0,
        "document_pk": world.docs["d1"].document.pk,
        "field": "sender",
    }
    for route, kind in COVERED.items():
        if route not in routes or kind == "document":
            continue
        values["pk"] = {"dossier": world.dossier_id, "register": register_id}.get(kind, 0)
        for user in ENTITLED:
            url = fill(route, values)
            client: Any = (
                client_for(world.users[user])
                if route.startswith("api/")
                else web_client(world.users[user])
            )
            for query in ({}, {"q": "vtmk", "sender": "Cục vtmk"}):
                answer = client.get(url, query)
                assert answer.status_code != 403 or kind != "dossier", (url, user)
                assert_no_leak(world, user, answer, url)


def test_lists_counts_and_pages_leak_nothing(world: World) -> None:
    lists = [r for r in discovered() if not has_args(r) and r not in NOT_SWEPT]
    assert "api/v1/incoming/" in lists and "api/v1/search/" in lists
    assert "luu-tru/phan/den-han/" in lists and "luu-tru/phan/huy/" in lists
    assert "api/v1/access-requests/" in lists and "luu-tru/phan/khai-thac/" in lists
    for user in ENTITLED:
        for route in lists:
            c = client(world.users[user], route)
            url = "/" + route
            plain = c.get(url)
            if plain.status_code == 405:
                continue
            assert_no_leak(world, user, plain, url)
            nobody = c.get(url, {"q": NOBODY})
            echoes = readable(nobody).lower().count(NOBODY)
            for name, d in world.docs.items():
                if name in ENTITLED[user]:
                    continue
                marker = d.markers[0]
                answer = c.get(url, {"q": marker})
                where = f"{url}?q={marker}"
                assert_no_leak(world, user, answer, where, echo=marker, echoes=echoes)
                if "json" in answer.get("Content-Type", "") and "count" in answer.json():
                    assert answer.json()["count"] == nobody.json()["count"], (where, user)


SIGNATURE_LISTS = (
    ("api/v1/incoming/", "signature"),
    ("api/v1/outgoing/", "signature"),
    ("van-ban/den/", "chu_ky"),
    ("van-ban/di/", "chu_ky"),
)


def test_signature_filters_and_badges_leak_nothing(world: World) -> None:
    """The lists' signature filter and badge (docs/signatures.md, "Lists"): every file of the
    world fails its check, so a filter that skipped the access policy would list and count
    the classified documents; nobody sees or counts one they are not entitled to."""
    from vanthu.signatures.models import FileSignature

    for d in world.docs.values():
        FileSignature.objects.create(
            file=d.file, state="invalid", reason="bị sửa đổi", checked_sha256="0" * 64,
            checked_at=timezone.now(),
        )  # fmt: skip
    clerk = client_for(world.users["clerk_tu"])
    failed = clerk.get("/api/v1/incoming/", {"signature": "failed"}).json()
    assert [r["id"] for r in failed["results"]] == [world.docs["d1"].document.pk]
    for user in ENTITLED:
        for route, name in SIGNATURE_LISTS:
            c = client(world.users[user], route)
            url = "/" + route
            for value in ("failed", "valid", "unsigned"):
                answer = c.get(url, {name: value})
                assert answer.status_code == 200, (url, value, user)
                assert_no_leak(world, user, answer, f"{url}?{name}={value}")
                nobody = c.get(url, {name: value, "q": NOBODY})
                echoes = readable(nobody).lower().count(NOBODY)
                for doc_name, d in world.docs.items():
                    if doc_name in ENTITLED[user]:
                        continue
                    marker = d.markers[0]
                    found = c.get(url, {name: value, "q": marker})
                    where = f"{url}?{name}={value}&q={marker}"
                    assert_no_leak(world, user, found, where, echo=marker, echoes=echoes)
                    if route.startswith("api/"):
                        assert found.json()["count"] == nobody.json()["count"], (where, user)


def test_quality_queue_leaks_nothing(world: World) -> None:
    """The verification queue (``/so-hoa/kiem-tra/``, docs/capture.md): with every file of the
    world flagged, each user sees exactly the documents they are entitled to (and ordinary ones),
    never another's summary, file name or page link."""
    from vanthu.capture.quality import flag

    for d in world.docs.values():
        DocumentFile.objects.filter(pk=d.file.pk).update(
            quality_flags=[flag("blank_page", [2]), flag("skewed", [1])]
        )
    for user, entitled in ENTITLED.items():
        answer = web_client(world.users[user]).get("/so-hoa/kiem-tra/")
        assert answer.status_code == 200, user
        assert_no_leak(world, user, answer, "/so-hoa/kiem-tra/")
        page = answer.content.decode().lower()
        for name in entitled:  # positive control: what they may see is really listed
            assert world.docs[name].markers[0] in page, (user, name)


def test_error_messages_name_nothing_classified(world: World) -> None:
    """A bad request about a document one may not see answers 404 before any validation."""
    u = world.users["specialist_tu"]
    d1 = world.docs["d1"].document
    c = client_for(u)
    for url, data in (
        (f"/api/v1/incoming/{d1.pk}/assign/", {"lead": "x"}),
        (f"/api/v1/documents/{d1.pk}/grants/", {"grantee": u.pk, "reason": ""}),
        (f"/api/v1/dossiers/{world.dossier_id}/documents/", {"document": d1.pk}),
    ):
        answer = c.post(url, data, format="json")
        assert answer.status_code in (400, 404), (url, answer.status_code)
        assert_no_leak(world, "specialist_tu", answer, url)


def test_web_register_cursor_pages_leak_nothing(world: World, monkeypatch: Any) -> None:
    """The web register list's cursor pages (``?after=`` / ``?before=``, views.urgent_pages):
    walked page by page, and forged to start right beside each classified document (a cursor is
    not signed), they show nobody a document they are not entitled to."""
    from vanthu.registry.views import common as registry_common
    from vanthu.registry.views.urgent_pages import REST, Position

    monkeypatch.setattr(registry_common, "PAGE_SIZE", 1)
    incoming = [d.document for d in world.docs.values() if d.document.direction == "incoming"]
    incoming.append(world.ordinary)
    forged = []
    for doc in incoming:
        for block in range(REST + 1):
            number = doc.number if doc.number is not None else 0
            forged.append(("after", Position(block, doc.period_key, number + 1, doc.pk + 1)))
            forged.append(("before", Position(block, doc.period_key, number - 1, doc.pk - 1)))
    for user in ENTITLED:
        c = client(world.users[user], "van-ban/den/")
        url: str | None = "/van-ban/den/"
        walked = 0
        while url is not None and walked < 20:
            answer = c.get(url)
            assert answer.status_code == 200, (user, url)
            assert_no_leak(world, user, answer, url)
            found = re.search(r'href="\?([^"]*after=[^"]+)"', answer.content.decode())
            url = "/van-ban/den/?" + found.group(1).replace("&amp;", "&") if found else None
            walked += 1
        for name, at in forged:
            for extra in ("", "&q=v"):
                where = f"/van-ban/den/?{name}={at.encode()}{extra}"
                answer = c.get(where)
                assert answer.status_code == 200, (user, where)
                assert_no_leak(world, user, answer, where)


def test_web_outgoing_cursor_pages_leak_nothing(world: World, monkeypatch: Any) -> None:
    """The sổ đi web list's cursor pages (``/van-ban/di/?after=`` / ``?before=``,
    views.urgent_pages ``OUTGOING``): walked page by page, and forged to start right beside the
    classified outgoing document, they show nobody a document they are not entitled to."""
    from vanthu.registry.views import common as registry_common
    from vanthu.registry.views.urgent_pages import OUTGOING, Position

    monkeypatch.setattr(registry_common, "PAGE_SIZE", 1)
    forged = []
    for d in world.docs.values():
        created, pk = OUTGOING.key_of(d.document)
        for delta in (-1, 0, 1):
            forged += [(name, Position(0, created, pk + delta)) for name in ("after", "before")]
    for user in ENTITLED:
        c = client(world.users[user], "van-ban/di/")
        url: str | None = "/van-ban/di/"
        walked = 0
        while url is not None and walked < 20:
            answer = c.get(url)
            assert answer.status_code == 200, (user, url)
            assert_no_leak(world, user, answer, url)
            found = re.search(r'href="\?([^"]*after=[^"]+)"', answer.content.decode())
            url = "/van-ban/di/?" + found.group(1).replace("&amp;", "&") if found else None
            walked += 1
        for name, at in forged:
            where = f"/van-ban/di/?{name}={at.encode()}"
            answer = c.get(where)
            assert answer.status_code == 200, (user, where)
            assert_no_leak(world, user, answer, where)
