"""Web actions of the "Mật" panel of a document page (docs/security.md §8–10): protection
decisions, numbered copies, hand-overs and their confirmation.

Thin: look the document up through the registry selector (404 for what the user may not see,
before anything is parsed), parse one form, call one service. Success goes back to the page
with a message; a refusal shows the form again with the reasons in Vietnamese (400 for bad
input, 403 for missing authority) and nothing stored changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.access.classified import selectors, services
from vanthu.access.forms import (
    ConfirmForm,
    CopiesForm,
    DeclassifyForm,
    DowngradeForm,
    ExtendForm,
    HandoverForm,
)
from vanthu.access.models import DocumentCopy, Handover
from vanthu.orgs.models import User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Direction, Document
from vanthu.web.forms import add_service_errors


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def detail_url(document: Document) -> str:
    name = "registry:incoming-detail"
    if document.direction == Direction.OUTGOING:
        name = "registry:outgoing-detail"
    return reverse(name, args=[document.pk]) + "#bao-mat"


def _act(
    request: HttpRequest,
    document: Document,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    button: str,
    done: str,
) -> HttpResponse:
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
            status = 403
        else:
            messages.success(request, done)
            return HttpResponseRedirect(detail_url(document))
    context = {
        "doc": document,
        "form": form,
        "title": title,
        "button": button,
        "action": request.path,
        "back": detail_url(document),
    }
    return render(request, "access/classified_action.html", context, status=status)


def _decision(data: dict[str, Any]) -> services.Decision:
    return services.Decision(
        reason=data["reason"], decision_ref=data["decision_ref"], decided_on=data["decided_on"]
    )


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    return _act(
        request,
        document,
        ExtendForm(request.POST),
        lambda d: services.change_protection(
            actor=user, document=document, expires_on=d["expires_on"], decision=_decision(d)
        ),
        title=_("Gia hạn, rút ngắn thời hạn bảo vệ"),
        button=_("Ghi quyết định"),
        done=_("Đã ghi quyết định về thời hạn bảo vệ."),
    )


@login_required
@require_POST
def downgrade(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    return _act(
        request,
        document,
        DowngradeForm(request.POST),
        lambda d: services.downgrade(
            actor=user,
            document=document,
            secrecy=d["secrecy"],
            expires_on=d["expires_on"],
            decision=_decision(d),
        ),
        title=_("Giảm mật"),
        button=_("Giảm mật"),
        done=_("Đã giảm mật văn bản."),
    )


@login_required
@require_POST
def declassify(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    return _act(
        request,
        document,
        DeclassifyForm(request.POST),
        lambda d: services.declassify(actor=user, document=document, decision=_decision(d)),
        title=_("Giải mật"),
        button=_("Giải mật"),
        done=_("Đã giải mật văn bản."),
    )


def _holders(form: CopiesForm, data: dict[str, Any]) -> list[services.Holder]:
    people = [services.Holder(user=u) for u in data["holders"]]
    return people + [services.Holder(name=n) for n in form.place_names()]


@login_required
@require_POST
def issue_copies(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    form = CopiesForm(request.POST, people=selectors.people_of(document))
    return _act(
        request,
        document,
        form,
        lambda d: services.issue_copies(actor=user, document=document, holders=_holders(form, d)),
        title=_("Đánh số bản phát hành"),
        button=_("Đánh số bản"),
        done=_("Đã đánh số bản phát hành."),
    )


@login_required
@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    form = HandoverForm(
        request.POST,
        people=selectors.people_of(document),
        copies=DocumentCopy.objects.filter(document=document),
    )
    return _act(
        request,
        document,
        form,
        lambda d: services.hand_over(
            actor=user,
            document=document,
            to_user=d["to_user"],
            to_name=d["to_name"],
            copy=d["copy"],
            handed_at=d["handed_at"],
            note=d["note"],
        ),
        title=_("Ghi sổ chuyển giao"),
        button=_("Ghi chuyển giao"),
        done=_("Đã ghi vào sổ chuyển giao."),
    )


@login_required
@require_POST
def confirm_handover(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    document = registry_selectors.get_document(user, pk)
    form = ConfirmForm(request.POST, handovers=Handover.objects.filter(document=document))
    return _act(
        request,
        document,
        form,
        lambda d: services.confirm_handover(actor=user, document=document, handover=d["handover"]),
        title=_("Ký nhận chuyển giao"),
        button=_("Ký nhận"),
        done=_("Đã ký nhận."),
    )
