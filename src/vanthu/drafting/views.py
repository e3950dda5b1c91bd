"""Web pages of the drafting app: the template of an outgoing document (the “Mẫu văn bản”
box of the outgoing detail page) and the page “Kiểm tra thể thức”. Thin."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from vanthu.drafting import output, selectors
from vanthu.drafting.check.upload import check_upload, max_bytes
from vanthu.orgs.models import User


def _template(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    user = cast(User, request.user)
    document = selectors.outgoing_for_template(user, pk)
    try:
        options = output.parse_options(request.GET.get("layout"), request.GET.get("place"))
    except ValidationError as exc:
        for problems in exc.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return HttpResponseRedirect(reverse("registry:outgoing-detail", args=[pk]))
    return output.template_response(user, document, fmt, options)


@login_required
@require_GET
def template_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _template(request, pk, "pdf")


@login_required
@require_GET
def template_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _template(request, pk, "docx")


@login_required
@require_http_methods(["GET", "POST"])
def format_check(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"max_mb": max_bytes() // (1024 * 1024)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        context["file_name"] = upload.name if upload is not None else ""
        try:
            context["findings"] = check_upload(upload)
            context["checked"] = True
        except ValidationError as exc:
            context["errors"] = [m for ms in exc.message_dict.values() for m in ms]
            status = 400
    return render(request, "drafting/check.html", context, status=status)
