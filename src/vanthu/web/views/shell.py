"""Home page, the search page and the placeholders of sections still being built."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vanthu.reports.dashboard import dashboard
from vanthu.search.selectors import search_documents
from vanthu.web.context import SECTIONS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    positions = [
        p
        for p in request.user.positions.select_related("organization").order_by(  # type: ignore[union-attr]
            "organization__path", "role"
        )
        if p.is_current(today)
    ]
    context = {
        "positions": positions,
        "today": today,
        "dashboard": dashboard(request.user),  # type: ignore[arg-type]
    }
    return render(request, "web/home.html", context)


_TITLES = {key: label for key, _url, label in SECTIONS}


@login_required
def placeholder(request: HttpRequest, section: str) -> HttpResponse:
    """A clean "Đang xây dựng" page for a section whose screens do not exist yet."""
    return render(request, "web/placeholder.html", {"section_title": _TITLES.get(section, "")})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Tra cứu: the search box of every page. Reads go through the search selector, whose
    query carries the access rules, so results and counts hold only what the user may see."""
    query = request.GET.get("q", "").strip()[:500]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    context: dict[str, object] = {"query": query, "page": page, "page_size": _PAGE}
    if query:
        try:
            found = search_documents(
                request.user,  # type: ignore[arg-type]
                query,
                offset=(page - 1) * _PAGE,
                limit=_PAGE,
            )
        except ValidationError as exc:
            context["error"] = " ".join(exc.message_dict.get("q", exc.messages))
        else:
            context["count"] = found.count
            context["hits"] = found.hits
            context["has_next"] = page * _PAGE < found.count
    return render(request, "web/search.html", context)


_PAGE = 20
