"""Pages of the guide: the handbook (/huong-dan/), my day (/hom-nay/), the checklists and the
save/delete actions of saved filters. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vanthu.guide import checklists as checklist_reads
from vanthu.guide import rules, selectors, services
from vanthu.orgs.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


@login_required
@require_GET
def handbook(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    context = {
        "topics": [(t, rules.rules_of_topic(t.slug)) for t in rules.TOPICS],
        "query": query,
        "found": rules.search(query) if query else None,
        "sources": sorted(rules.SOURCES.values()),
    }
    return render(request, "guide/handbook.html", context)


@login_required
@require_GET
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    found = rules.TOPIC_BY_SLUG.get(slug)
    if found is None:
        raise Http404
    return render(
        request,
        "guide/topic.html",
        {"topic": found, "rules": rules.rules_of_topic(slug), "topics": rules.TOPICS},
    )


@login_required
@require_GET
def shortcuts(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/shortcuts.html", {"topics": rules.TOPICS})


@login_required
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/my_day.html", {"sections": selectors.my_day(_user(request))})


@login_required
@require_GET
def checklists(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "guide/checklists.html",
        {"checklists": checklist_reads.checklists(_user(request))},
    )


def _back(request: HttpRequest, page: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    try:
        return HttpResponseRedirect(reverse(page))
    except NoReverseMatch:
        return HttpResponseRedirect(reverse("guide:my-day"))


@login_required
@require_POST
def filter_save(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    try:
        saved = services.save_filter(
            user=_user(request),
            page=page,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for e in errors:
                messages.error(request, e)
        response = _back(request, page)
        response.status_code = 303
        return response
    messages.success(request, _("Đã lưu bộ lọc “%s”.") % saved.name)
    return _back(request, page)


@login_required
@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_filter(user=_user(request), pk=pk)
    messages.success(request, _("Đã xóa bộ lọc."))
    return _back(request, request.POST.get("page", ""))
