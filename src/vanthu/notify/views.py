"""Notification pages: the list (/thong-bao/) and the bell fragment the header loads by htmx.
Thin: call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.notify import selectors, services
from vanthu.notify.models import EmailMode, Kind
from vanthu.orgs.models import User

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    unread_only = request.GET.get("chua-doc") == "1"
    paginator = Paginator(selectors.notifications_of(user, unread=unread_only), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "notify/list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(user)},
    )


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell: one COUNT on an indexed column, loaded after the page. Rendered
    without the page's context processors, which would cost queries it does not need."""
    unread = selectors.unread_count(_actor(request))
    return HttpResponse(render_to_string("notify/_bell.html", {"unread": unread}))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=_actor(request))
    return HttpResponseRedirect(reverse("notify:list"))


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read and go to what it is about (only a path of this site)."""
    note = services.mark_read(actor=_actor(request), notification_id=pk)
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) and note.link.startswith(
        "/"
    )
    return HttpResponseRedirect(note.link if safe else reverse("notify:list"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Cài đặt thông báo: per kind, shown in the app or not, and e-mail none / at once / daily.
    A bad form comes back with the message (status 400) and nothing stored."""
    user = _actor(request)
    errors: dict[str, list[str]] = {}
    rows = services.preferences_of(user)
    if request.method == "POST":
        items = [
            {
                "kind": kind.value,
                "in_app": request.POST.get(f"in_app_{kind.value}", ""),
                "email": request.POST.get(f"email_{kind.value}", EmailMode.NONE.value),
            }
            for kind in Kind
        ]
        try:
            services.set_preferences(actor=user, items=items)
        except ValidationError as exc:
            errors = exc.message_dict
            # Show what was sent, so the user sees what to correct.
            posted = {i["kind"]: i for i in items}
            for row in rows:
                sent = posted[str(row["kind"])]
                row["in_app"] = sent["in_app"] in ("on", "1", "true")
                row["email"] = sent["email"]
        else:
            messages.success(request, "Đã lưu cài đặt thông báo.")
            return HttpResponseRedirect(reverse("notify:preferences"))
    for row in rows:
        row["errors"] = errors.get(str(row["kind"]), [])
    return render(
        request,
        "notify/preferences.html",
        {
            "rows": rows,
            "errors": errors,
            "email_modes": EmailMode.choices,
            "email_enabled": services.email_enabled(),
            "has_address": bool(user.email),
        },
        status=400 if errors else 200,
    )
