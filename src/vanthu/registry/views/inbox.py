"""Việc của tôi: every user's inbox of incoming documents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vanthu.registry.views import reads
from vanthu.registry.views.common import actor


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/inbox.html", {"boxes": reads.inbox(actor(request))})
