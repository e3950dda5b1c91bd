"""The import wizard pages: thin — parse the form, call one wizard function, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vanthu.access import policy
from vanthu.core.enums import Role
from vanthu.legacy import columns, wizard
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction

DIRECTIONS = [
    (Direction.INCOMING, "Sổ đăng ký văn bản đến"),
    (Direction.OUTGOING, "Sổ đăng ký văn bản đi"),
]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _clerk_organizations(user: User) -> list[Organization]:
    """Where the user keeps the registers (văn thư) today, or everything in scope for admins."""
    scope = Organization.objects.filter(policy.organization_scope(user)).order_by("path")[:300]
    if user.is_superuser:
        return list(scope)
    return [o for o in scope if policy.roles_in(user, o) & {Role.CLERK, Role.ADMIN}]


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    choices = _clerk_organizations(user)
    errors: list[str] = []
    if request.method == "POST":
        org = next((o for o in choices if str(o.pk) == request.POST.get("organization")), None)
        file = request.FILES.get("file")
        if org is None:
            errors.append("Hãy chọn tổ chức mà bạn là văn thư.")
        if file is None:
            errors.append("Hãy chọn tệp sổ đăng ký (.xlsx, .xls hoặc .csv).")
        if not errors and org is not None and file is not None:
            try:
                item = wizard.save_upload(
                    actor=user,
                    organization=org,
                    direction=request.POST.get("direction", ""),
                    upload=file,
                )
            except ValidationError as exc:
                errors = _messages(exc)
            except PermissionDenied:
                errors = ["Bạn không phải văn thư của tổ chức này."]
            else:
                return redirect("legacy:columns", token=item.token)
    return render(
        request,
        "legacy/upload.html",
        {"choices": choices, "directions": DIRECTIONS, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def columns_page(request: HttpRequest, token: str) -> HttpResponse:
    user = _user(request)
    item = wizard.get_upload(user, token)
    errors: list[str] = []
    mapping: dict[str, Any] | None = item.state.get("mapping")
    if request.method == "POST":
        try:
            headers = wizard.preview(item).headers
            mapping = wizard.mapping_from_form(request.POST, item.direction, len(headers))
            if "preview" not in request.POST:
                wizard.start_run(
                    actor=user, upload=item, mapping=mapping, dry_run="import" not in request.POST
                )
                return redirect("legacy:status", token=token)
        except ValidationError as exc:
            errors = _messages(exc)
        except PermissionDenied:
            raise Http404 from None
    try:
        shown = wizard.preview(item, mapping)
    except ValidationError as exc:
        errors += _messages(exc)
        shown = wizard.preview(item)
    return render(
        request,
        "legacy/columns.html",
        {
            "item": item,
            "preview": shown,
            "fields": [
                (name, columns.FIELD_LABELS.get(name, name), shown.mapping[name] + 1)
                for name in shown.fields
            ],
            "labels": [columns.FIELD_LABELS.get(n, n) for n in shown.fields],
            "errors": errors,
            "job": item.job(),
        },
        status=400 if errors else 200,
    )


@login_required
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The run's progress; polled by htmx every second while it runs, then the report."""
    item = wizard.get_upload(_user(request), token)
    job = item.job()
    if job is None:
        return redirect("legacy:columns", token=token)
    progress = item.progress()
    total = progress.get("total") or 0
    percent = min(100, round(100 * progress.get("done", 0) / total)) if total else 0
    context = {
        "item": item,
        "job": job,
        "progress": progress,
        "percent": percent,
        "running": job.status in ("waiting", "running"),
        "result": job.result or {},
        "rows": wizard.report_rows(item) if job.status == "done" else [],
    }
    template = "legacy/_status.html" if request.headers.get("HX-Request") else "legacy/status.html"
    return render(request, template, context)


@login_required
def report_csv(request: HttpRequest, token: str) -> HttpResponseBase:
    item = wizard.get_upload(_user(request), token)
    if not item.report_path.is_file():
        raise Http404
    return FileResponse(
        item.report_path.open("rb"),
        as_attachment=True,
        filename=f"{item.path.stem}.bao-cao.csv",
        content_type="text/csv; charset=utf-8",
    )
