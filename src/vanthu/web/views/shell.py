"""Home page, search box target and the placeholders of sections still being built."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
    return render(request, "web/home.html", {"positions": positions, "today": today})


_TITLES = {key: label for key, _url, label in SECTIONS}


@login_required
def placeholder(request: HttpRequest, section: str) -> HttpResponse:
    """A clean "Đang xây dựng" page for a section whose screens do not exist yet."""
    return render(request, "web/placeholder.html", {"section_title": _TITLES.get(section, "")})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "web/placeholder.html",
        {"section_title": _TITLES["search"], "query": query},
    )
