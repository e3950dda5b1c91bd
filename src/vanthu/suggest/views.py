"""The suggestion panel of an incoming document's page (htmx) and its accept action. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from vanthu.registry.models import Direction
from vanthu.registry.selectors import get_document
from vanthu.registry.views.common import actor
from vanthu.suggest import selectors, services

LABELS = {
    "leader": gettext_lazy("Trình lãnh đạo"),
    "lead": gettext_lazy("Chủ trì"),
    "support": gettext_lazy("Phối hợp"),
    "deadline": gettext_lazy("Hạn giải quyết"),
    "dossier": gettext_lazy("Lập vào hồ sơ"),
}
DONE = {
    "leader": gettext_lazy("đã trình lãnh đạo"),
    "assign": gettext_lazy("đã giao xử lý"),
    "dossier": gettext_lazy("đã lập vào hồ sơ"),
}


@login_required
@require_GET
def incoming_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """An htmx fragment: the suggestions for one incoming document, with accept buttons."""
    result = selectors.incoming_suggestions(actor(request), pk)
    shown = [
        {"target": t, "name": LABELS[t], "s": s} for t, s in result.suggestions.items() if s.shown
    ]
    return render(
        request,
        "suggest/_suggestions.html",
        {
            "result": result,
            "doc": result.document,
            "shown": shown,
            "percent": round(result.threshold * 100),
        },
    )


@login_required
@require_POST
def incoming_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = get_document(user, pk, Direction.INCOMING)
    targets = [t[:20] for t in request.POST.getlist("targets")][:5]
    try:
        applied = services.accept(actor=user, document=document, targets=targets)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
    else:
        done = ", ".join(str(DONE[t]) for t in applied)
        messages.success(request, _("Đã áp dụng gợi ý: %s.") % done)
    return HttpResponseRedirect(reverse("registry:incoming-detail", args=[document.pk]))
