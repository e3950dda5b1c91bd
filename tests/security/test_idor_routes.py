"""IDOR on every route with an object id in its path (issue 11, hostile input).

``tests/hostile/test_idor.py`` sweeps the integer routes of ``/api/v1/`` (documents, dossiers,
registers, people), ``/van-ban/``, ``/quan-tri/`` and ``/bao-cao/``. This module builds the
objects that sweep does not (file plans, transfers, storage boxes, held-back requests, disposals,
legal holds, access requests, scan batches, the exchange outbox, notifications, saved filters, a
legacy import upload) in a sibling committee (DU2) where the attacker holds no role, and sends
their ids to every route of the other sections and of those API resources: GET and POST (with a
valid CSRF token, or a real API token), then PATCH/PUT/DELETE on the API. Each answer must be
404 (the attacker holds every role, so no role check answers 403 first), a GET's answer must
be the answer to an id that exists nowhere, never carry DU2's titles, and leave every row and
the audit log as they were.

``test_every_parameterised_route_is_covered`` walks the URL resolver: a new route with a
parameter in its path fails it until it is swept here or by the hostile module, or is listed in
``NOT_AN_OBJECT`` with a reason.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.hostile.conftest import make_dossier, register, upload
from tests.hostile.test_idor import object_routes as swept_by_hostile
from vanthu.archive.models import HeldBack, StorageLocation, Transfer, TransferItem
from vanthu.archive.models_disposal import Disposal, LegalHold
from vanthu.archive.models_use import AccessRequest, AccessRequestItem
from vanthu.audit.models import Event
from vanthu.capture.models import QualityCheck, ScanBatch
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.guide.models import SavedFilter
from vanthu.legacy import wizard
from vanthu.notify.models import Notification
from vanthu.records.models import Dossier, FilePlan, FilePlanHeading, FilePlanItem
from vanthu.registry.models import Document, DocumentFile

# Every title, purpose, reason and label of DU2 carries this, so that a body can be searched.
SECRET = "Riêng SG-7431"

# Route prefix → the DU2 object whose id fills ``<pk>`` (first match wins).
OBJECT_OF: tuple[tuple[str, str], ...] = (
    ("api/v1/file-plans/", "plan"),
    ("api/v1/transfers/", "transfer"),
    ("api/v1/held-back/", "held_back"),
    ("api/v1/disposals/", "disposal"),
    ("api/v1/legal-holds/", "legal_hold"),
    ("api/v1/access-requests/", "access_request"),
    ("api/v1/exchange/outbox/", "outbox"),
    ("api/v1/scan-batches/", "batch"),
    ("api/v1/notifications/", "notification"),
    ("api/v1/saved-filters/", "saved_filter"),
    ("so-hoa/lo/", "batch"),
    ("so-hoa/kiem-tra/", "document"),
    ("luu-tru/nop-luu/", "transfer"),
    ("luu-tru/hop/", "box"),
    ("luu-tru/giu-lai/", "held_back"),
    ("luu-tru/huy/", "disposal"),
    ("luu-tru/khai-thac/", "access_request"),
    ("bao-quan/ho-so/", "dossier"),
    ("bao-quan/nop-luu/", "transfer"),
    ("ho-so/danh-muc/", "plan"),
    ("ho-so/", "dossier"),
    ("nhap-du-lieu-cu/", "upload_token"),
    ("thong-bao/", "notification"),
    ("van-ban/goi-y/", "document"),
    ("bo-loc/", "saved_filter"),
)

# Parameterised routes whose parameter names no object of an organisation, with the reason.
NOT_AN_OBJECT: dict[str, str] = {
    "van-ban/den/goi-y/<str:field>/": "a field name (sender/signer); the names offered come "
    "from the user's own organisation's history (registry selectors)",
    "huong-dan/<slug:slug>/": "a help topic, the same for every user",
}
# Django's admin site: staff only (no office role makes a user staff), kept for the installer.
ADMIN_SITE = "admin/"

# Steps of the two routes that name an action in their path: each is tried.
STEPS = {
    "luu-tru/nop-luu/<int:pk>/<slug:step>/": ("tiep-nhan", "tra-lai"),
    "luu-tru/huy/<int:pk>/<slug:step>/": ("bieu-quyet", "quyet-dinh", "thuc-hien"),
}
API_METHODS = ("get", "post", "patch", "put", "delete")
WEB_METHODS = ("get", "post")


def all_routes() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns, "")


def parameterised_routes() -> list[str]:
    return sorted({r for r in all_routes() if "<" in r or "(?P" in r})


def object_key(route: str) -> str | None:
    for prefix, key in OBJECT_OF:
        if route.startswith(prefix):
            return key
    return None


def swept_here() -> list[str]:
    return [r for r in parameterised_routes() if object_key(r) is not None]


def test_every_parameterised_route_is_covered() -> None:
    hostile = set(swept_by_hostile())
    here = set(swept_here())
    left = [
        r
        for r in parameterised_routes()
        if r not in hostile
        and r not in here
        and r not in NOT_AN_OBJECT
        and not r.startswith(ADMIN_SITE)
    ]
    assert left == [], "routes with an object id that no IDOR test sweeps"
    # The sections of issue 11's list are all here, with the API resources the hostile module
    # leaves out.
    for section in ("so-hoa/", "luu-tru/", "bao-quan/", "ho-so/", "api/v1/file-plans/"):
        assert any(r.startswith(section) for r in here), section
    assert {"api/v1/transfers/<int:pk>/", "api/v1/exchange/outbox/<int:pk>/resend/"} <= here
    assert {"api/v1/scan-batches/<int:pk>/pause/", "nhap-du-lieu-cu/<str:token>/"} <= here
    assert all(r in parameterised_routes() for r in NOT_AN_OBJECT)


def test_the_django_admin_site_is_staff_only() -> None:
    """The reason ``admin/`` is left out of the sweep: Django's own check, not ours."""
    from django.contrib import admin

    assert "is_active and request.user.is_staff" in _source(admin.site.has_permission)


def _source(fn: Any) -> str:
    import inspect

    return inspect.getsource(fn)


def _legacy_csv() -> SimpleUploadedFile:
    text = "Số đến,Ngày đến,Tác giả,Số ký hiệu,Ngày văn bản,Trích yếu\n"
    text += f"1,02/03/2019,Ban Tổ chức,1-CV/BTC,01/03/2019,{SECRET} công văn\n"
    return SimpleUploadedFile("so-den.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def world(city: Any, make_user: Any) -> Any:
    """DU1's strongest user (every role, no role in DU2) and DU2's objects of every kind."""
    attacker = make_user(
        username="qtv_du1",
        organization=city.du1,
        roles=["admin", "clerk", "leader", "archivist"],
        clearance="confidential",  # below the TOTP step, so the pages answer at once
    )
    du2 = city.du2
    clerk = make_user(
        username="vt_du2", organization=du2, roles=["clerk", "archivist"], clearance="confidential"
    )
    head = make_user(username="ld_du2", organization=du2, roles=["leader", "admin"])
    doc_id = register(clerk, summary=f"V/v {SECRET} văn bản")["id"]
    file_id = upload(clerk, doc_id, b"noi dung rieng SG", "rieng.pdf")["id"]
    dossier = Dossier.objects.get(pk=make_dossier(clerk, "HS-SG")["id"])
    Dossier.objects.filter(pk=dossier.pk).update(title=f"Hồ sơ {SECRET}")
    document = Document.objects.get(pk=doc_id)
    plan = FilePlan.objects.create(organization=du2, year=2026, created_by=clerk)
    heading = FilePlanHeading.objects.create(plan=plan, position=1, title=f"Đề mục {SECRET}")
    FilePlanItem.objects.create(
        plan=plan,
        heading=heading,
        position=1,
        code="01.SG",
        title=f"Hồ sơ dự kiến {SECRET}",
        retention_code="permanent",
    )
    transfer = Transfer.objects.create(organization=du2, title=f"Khối {SECRET}", created_by=clerk)
    TransferItem.objects.create(transfer=transfer, dossier=dossier, position=1)
    store = StorageLocation.objects.create(organization=du2, kind="store", code="K-SG")
    shelf = StorageLocation.objects.create(organization=du2, kind="shelf", code="G", parent=store)
    box = StorageLocation.objects.create(
        organization=du2, kind="box", code="01", name=f"Hộp {SECRET}", parent=shelf
    )
    held_back = HeldBack.objects.create(
        dossier=dossier,
        organization=du2,
        reason=f"Còn dùng {SECRET}",
        until=datetime.date(2027, 6, 1),
        requested_by=clerk,
    )
    disposal = Disposal.objects.create(
        organization=du2,
        title=f"Danh mục hủy {SECRET}",
        explanatory_note=f"Thuyết minh {SECRET}",
        created_by=clerk,
    )
    legal_hold = LegalHold.objects.create(
        organization=du2, dossier=dossier, reason=f"Thanh tra {SECRET}", placed_by=clerk
    )
    access_request = AccessRequest.objects.create(
        organization=du2,
        requester=clerk,
        purpose=f"Nghiên cứu {SECRET}",
        mode="read",
        days=5,
        status="approved",
        decided_by=head,
        decided_at=timezone.now(),
        valid_until=timezone.now() + datetime.timedelta(days=5),
    )
    AccessRequestItem.objects.create(request=access_request, dossier=dossier)
    batch = ScanBatch.objects.create(
        organization=du2,
        created_by=clerk,
        source="upload",
        source_path="lo-sg",
        label=f"Lô {SECRET}",
    )
    service_user = make_user(username="svc_sg", organization=city.vp, roles=[])
    partner = Partner.objects.create(
        organ_id="000.00.00.SG", name="Đối tác", service_user=service_user
    )
    outbox = OutboxMessage.objects.create(
        organization=du2,
        partner=partner,
        document=document,
        kind="package",
        edxml_id="SG-1",
        payload=SECRET.encode(),
        status="dead",
        last_error=f"Lỗi {SECRET}",
    )
    notification = Notification.objects.create(
        recipient=clerk, kind="assigned", text=f"Giao xử lý {SECRET}", document=document
    )
    saved_filter = SavedFilter.objects.create(
        user=clerk, page="registry:incoming_list", name=f"Bộ lọc {SECRET}", query="q=SG"
    )
    upload_token = wizard.save_upload(
        actor=clerk, organization=du2, direction="incoming", upload=_legacy_csv()
    ).token
    objects = {
        "document": doc_id,
        "dossier": dossier.pk,
        "plan": plan.pk,
        "transfer": transfer.pk,
        "box": box.pk,
        "held_back": held_back.pk,
        "disposal": disposal.pk,
        "legal_hold": legal_hold.pk,
        "access_request": access_request.pk,
        "batch": batch.pk,
        "outbox": outbox.pk,
        "notification": notification.pk,
        "saved_filter": saved_filter.pk,
        "upload_token": upload_token,
    }
    return type(
        "World",
        (),
        {
            "attacker": attacker,
            "owner": clerk,
            "objects": objects,
            "file_id": file_id,
            "token": Token.objects.create(user=attacker).key,
        },
    )


# Ids no object has: the answer to DU2's id must be the answer to these (existence not told).
MISSING_ID = 987654
MISSING_TOKEN = "Z" * 24


def urls_for(world: Any, route: str, *, missing: bool = False) -> list[str]:
    key = object_key(route)
    assert key is not None
    pk = world.objects[key]
    if missing:
        pk = MISSING_TOKEN if key == "upload_token" else MISSING_ID
    ids: dict[str, Any] = {
        "pk": pk,
        "token": pk,
        "file_id": world.file_id,
        "file_pk": world.file_id,
        "document_pk": world.objects["document"],
        "page": 1,
    }
    steps = STEPS.get(route, ("",))
    return [
        "/"
        + re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m, s=step: s if m.group(1) == "step" else str(ids[m.group(1)]),  # type: ignore[misc]
            route,
        )
        for step in steps
    ]


SNAPSHOT_MODELS = (
    Document,
    DocumentFile,
    Dossier,
    FilePlan,
    FilePlanHeading,
    FilePlanItem,
    Transfer,
    TransferItem,
    StorageLocation,
    HeldBack,
    Disposal,
    LegalHold,
    AccessRequest,
    AccessRequestItem,
    ScanBatch,
    QualityCheck,
    OutboxMessage,
    Notification,
    SavedFilter,
)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row an attack could add, change or remove (the world is small: whole tables)."""
    return {
        m.__name__: [model_to_dict(row) for row in m._default_manager.order_by("pk")]
        for m in SNAPSHOT_MODELS
    }


# A valid-looking body for every form and call, so that a missing check cannot hide behind 400.
BODY: dict[str, Any] = {
    "reason": "Bị sửa trái phép",
    "note": "x",
    "decision_note": "x",
    "agree": "1",
    "approve": "1",
    "decision": "approve",
    "decision_number": "01/QĐ-X",
    "meeting_record": "x",
    "handover_record": "x",
    "destruction_record": "x",
    "catalogue_number": "1",
    "file_number": "1",
    "until": "2027-01-01",
    "title": "Bị sửa trái phép",
    "code": "X1",
    "year": "2026",
    "position": "1",
    "retention_code": "permanent",
    "days": "5",
    "mode": "read",
    "purpose": "x",
    "name": "Bị sửa",
    "query": "q=x",
}


def web_client(world: Any) -> tuple[Client, str]:
    """A logged-in browser that sends a valid CSRF token with every POST."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.attacker)
    token = get_random_string(32, CSRF_ALLOWED_CHARS)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client, token


def api_client(world: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")
    return client


def content(answer: Any) -> bytes:
    if getattr(answer, "streaming", False):
        return b"".join(answer.streaming_content)
    return bytes(answer.content)


def test_no_route_reaches_another_organisations_object(world: Any) -> None:
    web, csrf = web_client(world)
    api = api_client(world)
    before = snapshot()
    events = Event.objects.count()
    problems: list[str] = []
    tried = 0
    for route in swept_here():
        is_api = route.startswith("api/")
        for url, nowhere in zip(
            urls_for(world, route), urls_for(world, route, missing=True), strict=True
        ):
            for method in API_METHODS if is_api else WEB_METHODS:
                if is_api:
                    answer = getattr(api, method)(url, BODY, format="json")
                elif method == "post":
                    answer = web.post(url, BODY, headers={"X-CSRFToken": csrf})
                else:
                    answer = web.get(url)
                if answer.status_code == 405:
                    continue
                tried += 1
                # The attacker holds every role, so no role check can answer first: only the
                # object check is left, and that answers 404 (docs/architecture.md, "Layers").
                if answer.status_code != 404:
                    problems.append(f"{method.upper()} {url}: {answer.status_code}")
                body = content(answer)
                if SECRET.encode() in body:
                    problems.append(f"{method.upper()} {url}: DU2's title in the answer")
                if method == "get":
                    same = web.get(nowhere) if not is_api else api.get(nowhere)
                    if (same.status_code, content(same).replace(nowhere.encode(), b"")) != (
                        answer.status_code,
                        body.replace(url.encode(), b""),
                    ):
                        problems.append(f"GET {url}: answers otherwise than a missing id")
    assert problems == []
    assert tried >= 60
    assert snapshot() == before
    assert Event.objects.count() == events


def test_the_owner_reaches_the_same_objects(world: Any) -> None:
    """The sweep's ids are real: DU2's clerk opens what the attacker could not (a control, so
    that the sweep cannot pass on ids that exist nowhere)."""
    client = Client()
    client.force_login(world.owner)
    o = world.objects
    for url in (
        f"/ho-so/{o['dossier']}/",
        f"/ho-so/danh-muc/{o['plan']}/",
        f"/luu-tru/nop-luu/{o['transfer']}/",
        f"/luu-tru/huy/{o['disposal']}/",
        f"/nhap-du-lieu-cu/{o['upload_token']}/",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert SECRET in answer.content.decode(), url
