"""Web pages of the dossiers section, mounted at /ho-so/ (docs/records.md "Web").

Thin: parse the query or form, call one selector or service, render or say what happened.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vanthu.archive import selectors as archive_selectors
from vanthu.core.keyset import AFTER, BadCursor, cursor_for, keyset_page, order_keys
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.records import selectors, services
from vanthu.records.models import AccessRegime, Dossier, FilePlan, FilePlanHeading, FilePlanItem
from vanthu.records.services.bulk import BulkFilingError, add_documents
from vanthu.records.services.common import RECORD_KEEPERS, leads, roles_in
from vanthu.records.services.year_end import close_year, open_next_year, transfer_year
from vanthu.web.views.common import int_param, own_organization

PAGE_SIZE = 50
BAD_CURSOR = "Liên kết trang sau không hợp lệ: danh sách được hiện lại từ đầu."
NOT_FILED = "Chưa lập hồ sơ: có văn bản không đưa vào được (xem danh sách dưới); chưa lưu gì."


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _year(raw: str | None) -> int:
    value = int_param(raw)
    return value if value is not None and 1930 <= value <= 9999 else timezone.localdate().year


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime((raw or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _report(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện việc này.")
        return
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for text in (m for ms in errors.values() for m in ms):
        messages.error(request, text)


def _act(request: HttpRequest, back: str, done: Callable[[Any], str], action: Any) -> HttpResponse:
    """Run one service; its errors become messages on the page (nothing is stored)."""
    try:
        result = action()
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, done(result))
    return redirect(back)


def _page(request: HttpRequest, qs: Any, params: dict[str, str]) -> dict[str, Any]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return {"page": page, "page_query": urlencode({k: v for k, v in params.items() if v})}


class _CursorPage(Page):
    """Rows read after a cursor; the number is the one the "Trang sau" link carried (a label)."""

    def __init__(self, rows: list[Any], number: int, paginator: Any, more: bool) -> None:
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1


def _keyset_page(request: HttpRequest, qs: Any, params: dict[str, str]) -> dict[str, Any]:
    """``_page`` whose "Trang sau" carries the keyset cursor (``?after=``, core.keyset) with
    the page number, so a deep page is read from the list's index, not walked to by OFFSET;
    a link whose cursor is broken shows the first page and says so."""
    query = urlencode({k: v for k, v in params.items() if v})
    after = request.GET.get(AFTER)
    number = request.GET.get("trang")
    if after is not None:
        try:
            rows, next_after = keyset_page(qs, after, PAGE_SIZE)
        except BadCursor:
            messages.warning(request, BAD_CURSOR)
            number = None
        else:
            paginator = Paginator(qs, PAGE_SIZE)
            shown = max(1, min(int_param(number) or 2, paginator.num_pages))
            cursor_page = _CursorPage(rows, shown, paginator, next_after is not None)
            return {"page": cursor_page, "page_query": query, "next_after": next_after}
    page = Paginator(qs, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    context: dict[str, Any] = {"page": page, "page_query": query}
    if page.has_next() and page.object_list:
        context["next_after"] = cursor_for(page.object_list[-1], order_keys(qs))
    return context


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    p = request.GET
    params = {k: (p.get(k) or "").strip() for k in ("nam", "trang_thai", "de_muc", "q")}
    status = params["trang_thai"] if params["trang_thai"] in Dossier.Status.values else ""
    qs = selectors.dossier_list(
        user,
        year=params["nam"] or None,
        status=status or None,
        heading=params["de_muc"] or None,
        q=params["q"] or None,
    ).select_related("organization", "responsible")
    # Headings to filter by: those of the plans the user may see (titles only, no document).
    plans = selectors.file_plan_list(user, year=params["nam"] or None)
    headings = (
        FilePlanHeading.objects.filter(plan__in=plans.values("pk"), parent__isnull=True)
        .select_related("plan")
        .order_by("-plan__year", "position")[:200]
    )
    return render(
        request,
        "records/dossier_list.html",
        {
            **_keyset_page(request, qs, params),
            "params": params,
            "statuses": Dossier.Status.choices,
            "headings": headings,
        },
    )


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = selectors.get_dossier(user, pk)
    return render(
        request,
        "records/dossier_detail.html",
        {
            "dossier": dossier,
            "entries": selectors.dossier_entries(user, dossier),
            "can_reopen": leads(user, dossier.organization),
            "regimes": AccessRegime.choices,
        },
    )


@login_required
@require_POST
def dossier_access_regime(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = selectors.get_dossier(user, pk)
    return _act(
        request,
        f"/ho-so/{pk}/",
        lambda d: f"Đã đặt chế độ sử dụng của hồ sơ {d.code}: {d.get_access_regime_display()}.",
        lambda: services.set_access_regime(
            actor=user, dossier=dossier, access_regime=request.POST.get("access_regime", "")
        ),
    )


@login_required
@require_POST
def dossier_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = selectors.get_dossier(user, pk)
    raw_sheets = (request.POST.get("sheet_count") or "").strip()
    sheets = int_param(raw_sheets)
    if raw_sheets and sheets is None:
        messages.error(request, "Số tờ phải là số nguyên dương.")
        return redirect("records:detail", pk=pk)
    return _act(
        request,
        f"/ho-so/{pk}/",
        lambda d: f"Đã kết thúc hồ sơ {d.code}.",
        lambda: services.close_dossier(
            actor=user, dossier=dossier, note=request.POST.get("note", ""), sheet_count=sheets
        ),
    )


@login_required
@require_POST
def dossier_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dossier = selectors.get_dossier(user, pk)
    return _act(
        request,
        f"/ho-so/{pk}/",
        lambda d: f"Đã mở lại hồ sơ {d.code}.",
        lambda: services.reopen_dossier(
            actor=user, dossier=dossier, reason=request.POST.get("reason", "")
        ),
    )


@login_required
def bulk_filing(request: HttpRequest) -> HttpResponse:
    """Lập hồ sơ hàng loạt: the year's documents not yet filed, checkboxes, a dossier."""
    user = _user(request)
    org = own_organization(request)
    source = request.POST if request.method == "POST" else request.GET
    params = {k: (source.get(k) or "").strip() for k in ("nam", "loai", "tu_ngay", "den_ngay", "q")}
    year = _year(params["nam"])
    params["nam"] = str(year)
    problems: dict[int, list[str]] = {}
    chosen: list[int] = []
    if request.method == "POST":
        chosen = [pk for pk in map(int_param, request.POST.getlist("documents")) if pk is not None]
        dossier_pk = int_param(request.POST.get("dossier"))
        try:
            if dossier_pk is None:
                raise ValidationError({"dossier": ["Phải chọn hồ sơ để đưa văn bản vào."]})
            dossier = selectors.get_dossier(user, dossier_pk)
            entries = add_documents(actor=user, dossier=dossier, document_ids=chosen)
        except BulkFilingError as exc:
            problems = exc.problems
            messages.error(request, NOT_FILED)
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
        else:
            messages.success(request, f"Đã đưa {len(entries)} văn bản vào hồ sơ {dossier.code}.")
            return redirect(f"/ho-so/lap-ho-so-hang-loat/?{urlencode(params)}")
    documents = selectors.unfiled_documents(
        user,
        organization_id=org.pk,
        year=year,
        document_type=params["loai"] or None,
        date_from=_date(params["tu_ngay"]),
        date_to=_date(params["den_ngay"]),
        q=params["q"] or None,
    )
    context = _page(request, documents, params)
    return render(
        request,
        "records/bulk.html",
        {
            **context,
            "params": params,
            "problems": problems,
            "chosen": {str(pk) for pk in chosen},
            "types": DocumentType.objects.order_by("code"),
            "dossiers": selectors.dossier_list(user, status=Dossier.Status.OPEN).filter(
                organization=org
            )[:300],
        },
    )


def _year_end_context(request: HttpRequest, user: User, org: Organization) -> dict[str, Any]:
    year = _year(request.GET.get("nam"))
    return {
        "year": year,
        "next_year": year + 1,
        "open_dossiers": selectors.open_dossiers_of_year(user, organization_id=org.pk, year=year),
        "due": archive_selectors.transfer_due(user, organization=str(org.pk)).filter(year=year),
        "may_act": user.is_superuser
        or leads(user, org)
        or bool(roles_in(user, org) & RECORD_KEEPERS),
    }


@login_required
def year_end(request: HttpRequest) -> HttpResponse:
    """Kết thúc năm: three steps, each a button; each says what it did."""
    user = _user(request)
    org = own_organization(request)
    return render(request, "records/year_end.html", _year_end_context(request, user, org))


def _year_end_step(
    request: HttpRequest, run: Callable[[User, Organization, int], str]
) -> HttpResponse:
    user = _user(request)
    org = own_organization(request)
    year = _year(request.POST.get("nam"))
    try:
        done = run(user, org, year)
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, done)
    return redirect(f"/ho-so/ket-thuc-nam/?nam={year}")


@login_required
@require_POST
def year_end_close(request: HttpRequest) -> HttpResponse:
    def run(user: User, org: Organization, year: int) -> str:
        summary = close_year(
            actor=user, organization=org, year=year, note=request.POST.get("note", "")
        )
        for refusal in summary.refused:
            messages.warning(request, f"Hồ sơ {refusal.code} chưa kết thúc: {refusal.reason}")
        if not summary.closed:
            return f"Bước 1: không có hồ sơ nào của năm {year} cần kết thúc thêm."
        codes = ", ".join(d.code for d in summary.closed)
        return f"Bước 1: đã kết thúc {len(summary.closed)} hồ sơ năm {year}: {codes}."

    return _year_end_step(request, run)


@login_required
@require_POST
def year_end_transfer(request: HttpRequest) -> HttpResponse:
    def run(user: User, org: Organization, year: int) -> str:
        summary = transfer_year(actor=user, organization=org, year=year)
        if summary.transfer is None:
            return (
                f"Bước 2: không có hồ sơ năm {year} nào cần nộp lưu thêm "
                f"({summary.already} hồ sơ đã ở trong mục lục nộp lưu)."
            )
        count = summary.transfer.items.count()
        return (
            f"Bước 2: đã lập mục lục hồ sơ nộp lưu “{summary.transfer.title}” "
            f"gồm {count} hồ sơ; in tại trang Lưu trữ."
        )

    return _year_end_step(request, run)


@login_required
@require_POST
def year_end_next_year(request: HttpRequest) -> HttpResponse:
    def run(user: User, org: Organization, year: int) -> str:
        summary = open_next_year(actor=user, organization=org, year=year)
        new = [r.name for r, created in summary.registers if created]
        parts = [
            f"Bước 3: đã mở sổ năm {summary.year}: {', '.join(new)}."
            if new
            else f"Bước 3: sổ năm {summary.year} đã mở từ trước."
        ]
        if summary.plan_created:
            parts.append(f"Đã sao danh mục hồ sơ năm {summary.year} (dự thảo) từ năm {year}.")
        elif summary.plan is not None:
            parts.append(f"Danh mục hồ sơ năm {summary.year} đã có từ trước.")
        else:
            parts.append(summary.plan_note)
        return " ".join(parts)

    return _year_end_step(request, run)


# --- Danh mục hồ sơ (NĐ 30 Điều 28) and mở hồ sơ from it (Điều 29) ---------------------------

NOT_A_NUMBER = "Thời hạn bảo quản phải là số năm (để trống nếu vĩnh viễn)."


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The file plans the user may see, and the form that starts one for a year."""
    user = _user(request)
    if request.method == "POST":
        org = own_organization(request)
        raw_year = (request.POST.get("year") or "").strip()
        year = int_param(raw_year)
        if year is None:
            messages.error(request, "Năm của danh mục phải là số, ví dụ 2026.")
            return redirect("records:plans")
        try:
            plan = services.create_file_plan(
                actor=user,
                organization=org,
                year=year,
                numbering=request.POST.get("numbering") or FilePlan.Numbering.CONTINUOUS,
            )
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
            return redirect("records:plans")
        messages.success(request, f"Đã lập dự thảo danh mục hồ sơ năm {plan.year}.")
        return redirect("records:plan", pk=plan.pk)
    return render(
        request,
        "records/plan_list.html",
        {
            "plans": selectors.file_plan_list(user).select_related("organization")[:100],
            "numberings": FilePlan.Numbering.choices,
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.get_file_plan(user, pk)
    headings = selectors.plan_headings(plan)
    items = list(selectors.plan_items(plan))
    opened = selectors.opened_plan_items(user, items)
    # One pass over the items: asking every heading for its items read each item's heading
    # 40 times over at 300 items (about 2 ms of the page's 28 ms CPU, docs/benchmarks.md).
    under: dict[int, list[FilePlanItem]] = {}
    for item in items:
        under.setdefault(item.heading_id, []).append(item)
    rows = [(h, under.get(h.pk, [])) for h in headings]
    return render(
        request,
        "records/plan_detail.html",
        {
            "plan": plan,
            "approved": plan.status == FilePlan.Status.APPROVED,
            "rows": rows,
            "majors": [h for h in headings if h.parent_id is None],
            "headings": headings,
            "counts": services.plan_counts(plan),
            "opened": opened,
            "members": User.objects.filter(
                positions__organization=plan.organization, is_active=True
            )
            .distinct()
            .order_by("full_name", "username"),
            "may_approve": leads(user, plan.organization),
        },
    )


@login_required
@require_POST
def plan_add_heading(request: HttpRequest, pk: int) -> HttpResponse:
    user, p = _user(request), request.POST
    plan = selectors.get_file_plan(user, pk)
    parent_pk = int_param(p.get("parent"))
    parent = selectors.get_plan_heading(plan, parent_pk) if parent_pk is not None else None
    return _act(
        request,
        f"/ho-so/danh-muc/{pk}/",
        lambda h: f"Đã thêm đề mục {h.label}. {h.title}.",
        lambda: services.add_heading(
            actor=user,
            plan=plan,
            title=p.get("title", ""),
            abbreviation=p.get("abbreviation", ""),
            parent=parent,
        ),
    )


@login_required
@require_POST
def plan_add_item(request: HttpRequest, pk: int) -> HttpResponse:
    user, p = _user(request), request.POST
    plan = selectors.get_file_plan(user, pk)
    back = f"/ho-so/danh-muc/{pk}/"
    heading_pk = int_param(p.get("heading"))
    raw_years = (p.get("retention_years") or "").strip()
    years = int_param(raw_years)
    if heading_pk is None:
        messages.error(request, "Phải chọn đề mục cho hồ sơ.")
        return redirect(back)
    if raw_years and years is None:
        messages.error(request, NOT_A_NUMBER)
        return redirect(back)
    heading = selectors.get_plan_heading(plan, heading_pk)
    responsible_pk = int_param(p.get("responsible"))
    responsible = User.objects.filter(pk=responsible_pk).first() if responsible_pk else None
    if responsible_pk and responsible is None:
        messages.error(request, "Người lập hồ sơ phải công tác tại tổ chức này.")
        return redirect(back)
    return _act(
        request,
        back,
        lambda i: f"Đã thêm hồ sơ {i.code} vào danh mục.",
        lambda: services.add_plan_item(
            actor=user,
            heading=heading,
            title=p.get("title", ""),
            retention_years=years,
            responsible=responsible,
            notes=p.get("notes", ""),
            code=p.get("code", ""),
        ),
    )


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.get_file_plan(user, pk)
    return _act(
        request,
        f"/ho-so/danh-muc/{pk}/",
        lambda p: f"Đã ban hành danh mục hồ sơ năm {p.year}.",
        lambda: services.approve_file_plan(actor=user, plan=plan),
    )


@login_required
@require_POST
def plan_open_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """Mở hồ sơ from an item of the approved plan: code, title, retention come from it."""
    user = _user(request)
    plan = selectors.get_file_plan(user, pk)
    item_pk = int_param(request.POST.get("item"))
    item = plan.items.filter(pk=item_pk).first() if item_pk is not None else None
    if item is None:
        raise Http404
    try:
        dossier = services.create_dossier(
            actor=user, organization=plan.organization, data={"plan_item": item}
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
        return redirect("records:plan", pk=pk)
    messages.success(request, f"Đã mở hồ sơ {dossier.code}.")
    return redirect("records:detail", pk=dossier.pk)
