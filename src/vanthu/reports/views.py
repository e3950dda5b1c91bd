"""Web pages of the reports: the registers with their period form, and the statistics."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from vanthu.access import policy
from vanthu.orgs.models import Organization, User
from vanthu.reports import archive_report, archive_stats, charts, output, selectors, statistics
from vanthu.reports.periods import Period, parse_format, parse_period


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _errors(exc: ValidationError) -> list[str]:
    return [m for msgs in exc.message_dict.values() for m in msgs]


def _period_or_errors(request: HttpRequest) -> tuple[Period | None, list[str]]:
    try:
        return parse_period(request.GET.get("date_from"), request.GET.get("date_to")), []
    except ValidationError as exc:
        return None, _errors(exc)


def _form_dates(request: HttpRequest, period: Period | None) -> dict[str, str]:
    """What the period form shows: what was typed, else the period in dd/mm/yyyy."""
    shown = {}
    for field in ("date_from", "date_to"):
        typed = request.GET.get(field, "").strip()
        value = getattr(period, field) if period is not None else None
        shown[field] = typed or (value.strftime("%d/%m/%Y") if value else "")
    return shown


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    period, errors = _period_or_errors(request)
    registers = list(selectors.printable_registers(user))
    query = ""
    if period is not None:
        query = urlencode(
            {"date_from": f"{period.date_from:%d/%m/%Y}", "date_to": f"{period.date_to:%d/%m/%Y}"}
        )
    return render(
        request,
        "reports/index.html",
        {
            "registers": registers,
            "period": period,
            "errors": errors,
            "query": query,
            **_form_dates(request, period),
        },
    )


@login_required
def register_print(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    register = selectors.get_printable_register(user, pk)
    try:
        fmt = parse_format(request.GET.get("format"))
        period = parse_period(request.GET.get("date_from"), request.GET.get("date_to"))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        back = {k: str(request.GET[k]) for k in ("date_from", "date_to") if k in request.GET}
        return redirect(f"{reverse('reports:index')}?{urlencode(back)}")
    return output.register_response(user, register, period, fmt)


@login_required
def slip(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    return output.slip_response(user, selectors.incoming_for_slip(user, pk))


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{month}/{year}"


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    period, errors = _period_or_errors(request)
    raw_org = request.GET.get("organization", "")
    org_id = int(raw_org) if raw_org.isdigit() else None
    choices = Organization.objects.filter(policy.organization_scope(user)).order_by("path")[:300]
    context: dict[str, Any] = {
        "errors": errors,
        "choices": choices,
        **_form_dates(request, period),
        "stats": None,
    }
    if period is not None and (user.organization_id is not None or org_id is not None):
        organization = statistics.statistics_organization(user, org_id)
        stats = statistics.statistics(user, organization=organization, period=period)
        months = stats["by_month"]
        context["stats"] = stats
        context["period"] = period
        context["month_chart"] = charts.bar_chart(
            [_month_label(m["month"]) for m in months],
            [
                ("Văn bản đến", [m["incoming"] for m in months]),
                ("Văn bản đi", [m["outgoing"] for m in months]),
            ],
            "Văn bản đến và đi theo tháng",
        )
        if stats["children"]:
            rows = stats["children"]
            context["unit_chart"] = charts.bar_chart(
                [r["organization"]["code"] for r in rows],
                [
                    ("Đúng hạn", [r["on_time"] for r in rows]),
                    ("Quá hạn", [r["late"] for r in rows]),
                ],
                "Giải quyết văn bản đến theo đơn vị",
            )
    return render(request, "reports/statistics.html", context)


@login_required
def periodic_report(request: HttpRequest) -> HttpResponseBase:
    """The Phụ lục VI report of the statistics page's organisation and period, PDF or Excel."""
    user = _user(request)
    raw_org = request.GET.get("organization", "").strip()
    try:
        fmt = parse_format(request.GET.get("format"))
        period = parse_period(request.GET.get("date_from"), request.GET.get("date_to"))
        if raw_org and not raw_org.isdigit():
            raise ValidationError({"organization": ["Mã tổ chức phải là số."]})
    except ValidationError as exc:
        return _back_to(request, "reports:statistics", exc)
    organization = statistics.statistics_organization(user, int(raw_org) if raw_org else None)
    return output.periodic_response(user, organization, period, fmt)


def _back_to(request: HttpRequest, name: str, exc: ValidationError) -> HttpResponseBase:
    for message in _errors(exc):
        messages.error(request, message)
    back = {
        k: str(request.GET[k]) for k in ("date_from", "date_to", "organization") if k in request.GET
    }
    return redirect(f"{reverse(name)}?{urlencode(back)}")


@login_required
def archive_page(request: HttpRequest) -> HttpResponse:
    """Thống kê tài liệu lưu trữ và khai thác sử dụng: the figures and PDF / Excel buttons."""
    user = _user(request)
    period, errors = _period_or_errors(request)
    raw_org = request.GET.get("organization", "")
    org_id = int(raw_org) if raw_org.isdigit() else None
    choices = Organization.objects.filter(policy.organization_scope(user)).order_by("path")[:300]
    context: dict[str, Any] = {
        "errors": errors,
        "choices": choices,
        **_form_dates(request, period),
        "stats": None,
    }
    if period is not None and (user.organization_id is not None or org_id is not None):
        organization = statistics.statistics_organization(user, org_id)
        stats = archive_stats.archive_statistics(user, organization=organization, period=period)
        context |= {
            "stats": stats,
            "period": period,
            "sections": [
                (heading, [(label, archive_report.shown(v, unit), unit) for label, v, unit in rows])
                for heading, rows in archive_report.sections(stats)
            ],
        }
    return render(request, "reports/archive.html", context)


@login_required
def archive_print(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    raw_org = request.GET.get("organization", "").strip()
    try:
        fmt = parse_format(request.GET.get("format"))
        period = parse_period(request.GET.get("date_from"), request.GET.get("date_to"))
        if raw_org and not raw_org.isdigit():
            raise ValidationError({"organization": ["Mã tổ chức phải là số."]})
    except ValidationError as exc:
        return _back_to(request, "reports:archive", exc)
    organization = statistics.statistics_organization(user, int(raw_org) if raw_org else None)
    return output.archive_response(user, organization, period, fmt)
