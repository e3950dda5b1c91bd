"""Web pages of the archivist (mounted at /luu-tru/; docs/archive.md). Thin: a selector, a page."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vanthu.archive import pdf, selectors, selectors_more
from vanthu.archive.models import AccessRequest
from vanthu.core.enums import Role
from vanthu.core.keyset import AFTER, BadCursor, keyset_page
from vanthu.orgs.models import User
from vanthu.records import selectors as records_selectors


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The archivist's page: a shell whose sections load themselves (hx-trigger="load").

    Each section is its own small view below, so that no section waits for another; at
    100,000 dossiers the page built in one request took 1.5–8.5 s (docs/benchmarks.md).
    """
    return render(request, "archive/index.html", {"sections": SECTIONS})


# The sections of /luu-tru/: (anchor, heading, URL name). The anchors are the page's own.
SECTIONS = [
    ("den-han", "Hồ sơ đến hạn nộp lưu (trong 30 ngày)", "archive:section-due"),
    ("nop-luu", "Các đợt nộp lưu", "archive:section-transfers"),
    ("kho", "Phông và kho", "archive:section-holdings"),
    ("giu-lai", "Hồ sơ giữ lại", "archive:section-held-back"),
    ("huy", "Hồ sơ hết thời hạn bảo quản — xem xét hủy", "archive:section-disposal"),
    ("khai-thac", "Phiếu yêu cầu khai thác", "archive:section-use"),
]


def _section(request: HttpRequest, name: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"archive/sections/{name}.html", {**context, "me": _user(request)})


SECTION_ROWS = 50
BAD_CURSOR = "Liên kết trang sau không hợp lệ: danh sách được hiện lại từ đầu."


def _rows(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """A page of a long list, from the start or after ``?after=`` (keyset, core.keyset);
    a link that is not a cursor of this list shows the first page with a message."""
    after = request.GET.get(AFTER)
    try:
        rows, next_after = keyset_page(qs, after, SECTION_ROWS)
    except BadCursor:
        rows, next_after = keyset_page(qs, None, SECTION_ROWS)
        return {"rows": rows, "next_after": next_after, "paged": False, "bad_cursor": BAD_CURSOR}
    return {"rows": rows, "next_after": next_after, "paged": after is not None}


def _closed(user: User) -> Any:
    # Choices for the forms: closed dossiers the user may see (a lookup, not a dump), with the
    # columns an option shows: the rest of 200 rows (four dates each, parsed one by one on
    # SQLite) cost 3 ms of CPU for nothing shown (docs/benchmarks.md, archive).
    qs = records_selectors.dossier_list(user, status="closed")
    return qs.only("pk", "code", "title")[:200]


# What the khai thác section shows of a request and of a line of the register of use.
REQUEST_COLUMNS = (
    *("purpose", "mode", "status", "valid_until", "requester"),
    *("requester__username", "requester__full_name"),
)
USE_COLUMNS = (
    *("at", "action", "dossier__code", "user__username", "user__full_name"),
    *("request__decided_by__username", "request__decided_by__full_name"),
)


@login_required
def section_due(request: HttpRequest) -> HttpResponse:
    page = _rows(request, selectors.transfer_due(_user(request), due_within="30"))
    return _section(request, "due", {"due": page.pop("rows"), **page})


@login_required
def section_transfers(request: HttpRequest) -> HttpResponse:
    return _section(
        request, "transfers", {"transfers": selectors.transfer_list(_user(request))[:50]}
    )


@login_required
def section_holdings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    places = selectors_more.locations(user)
    return _section(
        request,
        "holdings",
        {
            "fonds": selectors_more.fonds_list(user)[:50],
            "boxes": places.filter(kind="box")[:100],
            "parents": places.exclude(kind="box")[:200],
        },
    )


@login_required
def section_held_back(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _section(
        request,
        "held_back",
        {"held": selectors_more.held_back(user)[:50], "closed": _closed(user)},
    )


@login_required
def section_disposal(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = _rows(request, selectors_more.to_review(user))
    return _section(
        request,
        "disposal",
        {
            "review": page.pop("rows"),
            **page,
            "disposals": selectors_more.disposals(user)[:50],
            "holds": selectors_more.holds(user).filter(released_at__isnull=True)[:50],
        },
    )


@login_required
def section_use(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _section(
        request,
        "use",
        {
            "requests": selectors_more.requests(user).only(*REQUEST_COLUMNS)[:50],
            "uses": selectors_more.use_register(user).only(*USE_COLUMNS)[:50],
            "closed": _closed(user),
            "modes": AccessRequest.Mode.choices,
            "heads": selectors_more.heads(user.organization),
            "now": timezone.now(),
            # The "Nhận lại bản gốc" button; return_loan checks the organisation itself.
            "archivist": user.is_superuser or user.positions.filter(role=Role.ARCHIVIST).exists(),
        },
    )


@login_required
def transfer_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    transfer = selectors.get_transfer(user, pk)
    rows = selectors.transfer_rows(user, transfer)
    return _pdf(pdf.transfer_list_pdf(transfer, rows), f"muc-luc-nop-luu-{pk}.pdf")


@login_required
def handover_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    transfer = selectors.get_transfer(user, pk)
    facts = selectors.handover_record(transfer, selectors.transfer_rows(user, transfer))
    return _pdf(pdf.handover_pdf(transfer, facts), f"bien-ban-giao-nhan-{pk}.pdf")


@login_required
def box_label_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    box = selectors_more.get_location(user, pk)
    units = selectors_more.box_units(user, box)
    return _pdf(pdf.box_label_pdf(box, units, box.organization.name), f"nhan-hop-{box.code}.pdf")
