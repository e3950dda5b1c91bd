"""Web pages of the archivist (mounted at /luu-tru/; docs/archive.md). Thin: a selector, a page."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vanthu.archive import pdf, selectors, selectors_more
from vanthu.archive.models import AccessRequest
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
    user = _user(request)
    return render(
        request,
        "archive/index.html",
        {
            "due": selectors.transfer_due(user, due_within="30")[:50],
            "transfers": selectors.transfer_list(user)[:50],
            "fonds": selectors_more.fonds_list(user)[:50],
            "boxes": selectors_more.locations(user).filter(kind="box")[:100],
            "review": selectors_more.to_review(user)[:50],
            "disposals": selectors_more.disposals(user)[:50],
            "requests": selectors_more.requests(user)[:50],
            "uses": selectors_more.use_register(user)[:50],
            "held": selectors_more.held_back(user).select_related("dossier")[:50],
            "holds": selectors_more.holds(user).filter(released_at__isnull=True)[:50],
            "parents": selectors_more.locations(user).exclude(kind="box")[:200],
            # Choices for the forms: closed dossiers the user may see (a lookup, not a dump).
            "closed": records_selectors.dossier_list(user, status="closed")[:200],
            "modes": AccessRequest.Mode.choices,
            "me": user,
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
