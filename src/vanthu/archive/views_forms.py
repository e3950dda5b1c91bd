"""Forms of the /luu-tru/ page (htmx-boosted posts) and the reader's viewer. Thin: parse the
form, call one service, say what happened in Vietnamese, go back to the page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vanthu.access import policy
from vanthu.archive import (
    selectors,
    selectors_more,
    services,
    services_copy,
    services_disposal,
    services_reading,
    services_storage,
    services_use,
)
from vanthu.archive.models import ArchivalUnit, HeldBack, StorageLocation
from vanthu.capture.pages import PAGE_WIDTH, parse_width
from vanthu.orgs.models import User
from vanthu.records import selectors as records_selectors
from vanthu.records.models import Dossier
from vanthu.web.views.common import int_param, own_organization

# The viewer lists at most this many pages of one file on one screen.
MAX_PAGES = 300


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime((raw or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _dossiers(user: User, raw: list[str]) -> list[Dossier]:
    """Dossiers named by id in a form; a missing or invisible one is a 404 (never a hint)."""
    return [records_selectors.get_dossier(user, pk) for pk in map(int_param, raw) if pk is not None]


def _report(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện việc này.")
        return
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for text in (m for ms in errors.values() for m in ms):
        messages.error(request, text)


def _act(
    request: HttpRequest, anchor: str, done: str, action: Callable[[], object]
) -> HttpResponse:
    """Run one service; its field errors become messages on the page (nothing is stored)."""
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, done)
    return redirect(f"/luu-tru/#{anchor}")


@login_required
@require_POST
def create_fonds(request: HttpRequest) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        "kho",
        "Đã tạo phông lưu trữ.",
        lambda: services_storage.create_fonds(
            actor=_user(request),
            organization=own_organization(request),
            kind=p.get("kind", ""),
            code=p.get("code", ""),
            name=p.get("name", ""),
        ),
    )


@login_required
@require_POST
def create_location(request: HttpRequest) -> HttpResponse:
    user, p = _user(request), request.POST
    parent_pk = int_param(p.get("parent"))
    parent = (
        policy.visible(user, StorageLocation.objects.all()).filter(pk=parent_pk).first()
        if parent_pk
        else None
    )
    return _act(
        request,
        "kho",
        "Đã thêm vị trí bảo quản.",
        lambda: services_storage.create_location(
            actor=user,
            organization=own_organization(request),
            kind=p.get("kind", ""),
            code=p.get("code", ""),
            name=p.get("name", ""),
            parent=parent,
        ),
    )


@login_required
@require_POST
def request_hold_back(request: HttpRequest) -> HttpResponse:
    user, p = _user(request), request.POST
    dossiers = _dossiers(user, [p.get("dossier", "")])
    until = _date(p.get("until"))
    if not dossiers or until is None:
        messages.error(request, "Phải chọn hồ sơ và ghi ngày giữ lại đến (dd/mm/yyyy).")
        return redirect("/luu-tru/#giu-lai")
    return _act(
        request,
        "giu-lai",
        "Đã gửi đề nghị giữ lại hồ sơ.",
        lambda: services_storage.request_hold_back(
            actor=user, dossier=dossiers[0], reason=p.get("reason", ""), until=until
        ),
    )


@login_required
@require_POST
def decide_hold_back(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    held = policy.get_visible_or_404(user, HeldBack.objects.all(), pk=pk)
    approve = request.POST.get("approve") == "1"
    return _act(
        request,
        "giu-lai",
        "Đã duyệt giữ lại." if approve else "Đã không duyệt giữ lại.",
        lambda: services_storage.decide_hold_back(actor=user, held=held, approve=approve),
    )


def _council(raw: str) -> list[tuple[User, str]]:
    """One member a line: "tên đăng nhập | chức danh trong hội đồng"."""
    seats = []
    for line in (raw or "").splitlines():
        if not line.strip():
            continue
        username, _bar, role = line.partition("|")
        member = User.objects.filter(username=username.strip()).first()
        if member is None:
            raise ValidationError({"council": [f"Không có người dùng “{username.strip()}”."]})
        seats.append((member, role.strip()))
    return seats


@login_required
@require_POST
def create_disposal(request: HttpRequest) -> HttpResponse:
    user, p = _user(request), request.POST
    dossiers = _dossiers(user, p.getlist("dossiers"))
    try:
        disposal = services_disposal.create_disposal(
            actor=user,
            organization=own_organization(request),
            dossiers=dossiers,
            title=p.get("title", ""),
            explanatory_note=p.get("explanatory_note", ""),
            council=_council(p.get("council", "")),
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
        return redirect("/luu-tru/#huy")
    messages.success(request, "Đã lập danh mục tài liệu hết giá trị.")
    return redirect("archive:disposal", pk=disposal.pk)


@login_required
@require_POST
def disposal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user, p = _user(request), request.POST
    disposal = selectors_more.get_disposal(user, pk)
    actions: dict[str, tuple[str, Callable[[], object]]] = {
        "bieu-quyet": (
            "Đã ghi biểu quyết.",
            lambda: services_disposal.cast_vote(
                actor=user,
                disposal=disposal,
                agree=p.get("agree") == "1",
                opinion=p.get("opinion", ""),
            ),
        ),
        "quyet-dinh": (
            "Đã ghi quyết định hủy.",
            lambda: services_disposal.approve_disposal(
                actor=user,
                disposal=disposal,
                decision_number=p.get("decision_number", ""),
                meeting_record=p.get("meeting_record", ""),
            ),
        ),
        "thuc-hien": (
            "Đã hủy tài liệu và lưu biên bản.",
            lambda: services_disposal.execute_disposal(
                actor=user,
                disposal=disposal,
                handover_record=p.get("handover_record", ""),
                destruction_record=p.get("destruction_record", ""),
            ),
        ),
    }
    if step not in actions:
        raise Http404
    done, action = actions[step]
    _act(request, "huy", done, action)
    return redirect("archive:disposal", pk=pk)


@login_required
@require_POST
def create_request(request: HttpRequest) -> HttpResponse:
    user, p = _user(request), request.POST
    dossiers = _dossiers(user, p.getlist("dossiers"))
    days = int_param(p.get("days"))
    head = int_param(p.get("addressed_to"))
    # An id that is no user is refused by the service with the same words as a wrong one.
    addressed_to = (User.objects.filter(pk=head).first() or User(pk=head)) if head else None
    return _act(
        request,
        "khai-thac",
        "Đã gửi phiếu yêu cầu khai thác.",
        lambda: services_use.create_request(
            actor=user,
            organization=own_organization(request),
            dossiers=dossiers,
            purpose=p.get("purpose", ""),
            mode=p.get("mode", ""),
            days=days if days is not None else 0,
            addressed_to=addressed_to,
        ),
    )


@login_required
@require_POST
def decide_request(request: HttpRequest, pk: int) -> HttpResponse:
    user, p = _user(request), request.POST
    found = selectors_more.get_request(user, pk)
    approve = p.get("approve") == "1"
    return _act(
        request,
        "khai-thac",
        "Đã duyệt phiếu yêu cầu." if approve else "Đã không duyệt phiếu yêu cầu.",
        lambda: services_use.decide_request(
            actor=user, request=found, approve=approve, note=p.get("note", "")
        ),
    )


@login_required
@require_POST
def return_loan(request: HttpRequest, pk: int) -> HttpResponse:
    """The archivist takes a borrowed original back (once; a second time says so)."""
    user = _user(request)
    found = selectors_more.get_request(user, pk)
    return _act(
        request,
        "khai-thac",
        "Đã nhận lại bản gốc.",
        lambda: services_use.return_loan(actor=user, request=found),
    )


@login_required
def reader(request: HttpRequest, pk: int) -> HttpResponse:
    """Bản đọc: page images only, no download, only within the period."""
    try:
        room = services_reading.reading_room(actor=_user(request), request_pk=pk)
    except services_reading.ReadingClosed as exc:
        return render(request, "archive/reader_closed.html", {"reason": str(exc)}, status=404)
    # Every page of every file, as images (page_count is known once the text job ran; one
    # page is shown before that). A page past the end of the file answers 404 and is not shown.
    shelves = [
        (doc, [(f, range(1, min(f.page_count or 1, MAX_PAGES) + 1)) for f in doc.files.all()])
        for doc in room.documents
    ]
    return render(request, "archive/reader.html", {"room": room, "shelves": shelves})


@login_required
def reader_page(
    request: HttpRequest, pk: int, document_pk: int, file_pk: int, page: int
) -> HttpResponse:
    try:
        width = parse_width(request.GET.get("width"), PAGE_WIDTH)
        png = services_reading.view_page(
            actor=_user(request),
            request_pk=pk,
            document_pk=document_pk,
            file_pk=file_pk,
            page=page,
            width=width,
        )
    except (services_reading.ReadingClosed, ValidationError) as exc:
        raise Http404 from exc
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def copy_desk(request: HttpRequest, pk: int) -> HttpResponse:
    """The archivist's page for one request: its documents, a copy form per file."""
    user = _user(request)
    found = selectors_more.get_request(user, pk)
    docs = services_reading.request_documents(user, found).prefetch_related("files")
    copies = services_copy.issued_copies(user, found)
    return render(
        request, "archive/copy_desk.html", {"req": found, "documents": docs, "copies": copies}
    )


@login_required
@require_POST
def issue_copy(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    try:
        copy, data = services_copy.issue_copy(
            actor=_user(request),
            request_pk=pk,
            document_pk=int_param(p.get("document")) or 0,
            file_pk=int_param(p.get("file")) or 0,
            kind=p.get("kind", ""),
            pages=p.get("pages", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
        return redirect(f"/luu-tru/khai-thac/{pk}/sao/")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ban-sao-{copy.number:02d}-{copy.year}.pdf"'
    )
    return response


# --- Nộp lưu (NĐ 30 Điều 30–31): hand in, accept or return, archival numbers ---------------


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """The organisation's closed dossiers still to hand in, ticked into one transfer."""
    user = _user(request)
    org = own_organization(request)
    if request.method == "POST":
        p = request.POST
        chosen = _dossiers(user, p.getlist("dossiers"))
        try:
            transfer = services.create_transfer(
                actor=user, organization=org, dossiers=chosen, title=p.get("title", "")
            )
        except (ValidationError, PermissionDenied) as exc:
            _report(request, exc)
            return redirect("archive:transfers")
        messages.success(request, f"Đã nộp lưu {transfer.items.count()} hồ sơ: “{transfer.title}”.")
        return redirect("archive:transfer", pk=transfer.pk)
    return render(
        request,
        "archive/transfers.html",
        {
            "candidates": selectors.transfer_due(user, organization=str(org.pk))[:300],
            "transfers": selectors.transfer_list(user).select_related("organization")[:50],
        },
    )


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Mục lục hồ sơ nộp lưu of one transfer, its printed forms, and what the archivist does."""
    user = _user(request)
    transfer = selectors.get_transfer(user, pk)
    rows = selectors.transfer_rows(user, transfer)
    units = _numbers_of([r["dossier"] for r in rows])
    org_id = transfer.organization_id
    try:
        services.require_archivist(user, transfer.organization)
    except PermissionDenied:
        archivist = False
    else:
        archivist = True
    return render(
        request,
        "archive/transfer_detail.html",
        {
            "transfer": transfer,
            "archivist": archivist,
            "rows": [(r, units.get(r["dossier"])) for r in rows],
            "fonds": selectors_more.fonds_list(user).filter(organization_id=org_id),
            "boxes": selectors_more.locations(user)
            .filter(kind="box", organization_id=org_id)
            .select_related("parent", "parent__parent")[:300],
        },
    )


def _numbers_of(dossier_ids: list[int]) -> dict[int, dict[str, object]]:
    """What the mục lục shows of each dossier's số lưu trữ and box, by dossier.

    Only call with dossiers the user may see (the rows of ``transfer_rows``). Plain values and
    one label link per box: a transfer of 1,000 dossiers made 7,000 model objects and 1,000
    reversed URLs for these cells (docs/benchmarks.md, archive)."""
    labels: dict[int, str] = {}
    numbers: dict[int, dict[str, object]] = {}
    found = (
        ArchivalUnit.objects.filter(dossier_id__in=dossier_ids)
        .order_by()
        .values_list(
            *("dossier_id", "fonds__code", "catalogue_number", "file_number", "box_id"),
            *("box__code", "box__parent__code", "box__parent__parent__code"),
        )
    )
    for dossier_id, fonds, catalogue, file, box, box_code, shelf, store in found:
        if box is not None and box not in labels:
            labels[box] = reverse("archive:box-label-pdf", args=[box])
        numbers[dossier_id] = {
            "number": ArchivalUnit.number_of(fonds, catalogue, file),
            "box": box_code if box is not None else None,
            "shelf": shelf,
            "store": store,
            "label": labels.get(box) if box is not None else None,
        }
    return numbers


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user, p = _user(request), request.POST
    transfer = selectors.get_transfer(user, pk)
    if step == "tiep-nhan":
        _act_here(
            request,
            "Đã tiếp nhận hồ sơ vào lưu trữ cơ quan.",
            lambda: services.accept_transfer(actor=user, transfer=transfer, note=p.get("note", "")),
        )
    elif step == "tra-lai":
        _act_here(
            request,
            "Đã trả lại đợt nộp lưu cho đơn vị.",
            lambda: services.return_transfer(
                actor=user, transfer=transfer, reason=p.get("reason", "")
            ),
        )
    else:
        raise Http404
    return redirect("archive:transfer", pk=pk)


def _act_here(request: HttpRequest, done: str, action: Callable[[], object]) -> bool:
    """Run one service and say what happened; the caller chooses where to go back to."""
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
        return False
    messages.success(request, done)
    return True


NUMBERS_NEEDED = "Mục lục số và hồ sơ số phải là số nguyên dương."


@login_required
@require_POST
def assign_number(request: HttpRequest, pk: int) -> HttpResponse:
    """Số lưu trữ (phông, mục lục số, hồ sơ số) and the box of one dossier of the transfer."""
    user, p = _user(request), request.POST
    transfer = selectors.get_transfer(user, pk)
    back = redirect("archive:transfer", pk=pk)
    dossier_pk = int_param(p.get("dossier"))
    if dossier_pk is None or not transfer.items.filter(dossier_id=dossier_pk).exists():
        raise Http404
    dossier = records_selectors.get_dossier(user, dossier_pk)
    fonds_pk, box_pk = int_param(p.get("fonds")), int_param(p.get("box"))
    fonds = selectors_more.fonds_list(user).filter(pk=fonds_pk).first() if fonds_pk else None
    box = selectors_more.locations(user).filter(pk=box_pk).first() if box_pk else None
    catalogue, number = int_param(p.get("catalogue_number")), int_param(p.get("file_number"))
    if fonds is None:
        messages.error(request, "Phải chọn phông lưu trữ (tạo phông ở trang Lưu trữ).")
        return back
    if (p.get("box") or "").strip() and box is None:
        messages.error(request, "Phải chọn một hộp của tổ chức.")
        return back
    if not catalogue or not number:
        messages.error(request, NUMBERS_NEEDED)
        return back
    _act_here(
        request,
        f"Đã cấp số lưu trữ cho hồ sơ {dossier.code}.",
        lambda: services_storage.assign_number(
            actor=user,
            dossier=dossier,
            fonds=fonds,
            catalogue_number=catalogue,
            file_number=number,
            box=box,
        ),
    )
    return back


@login_required
def disposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Danh mục tài liệu hết giá trị: its dossiers, the council's votes, the decision and,
    once executed, the hand-over and destruction records with every destroyed file."""
    user = _user(request)
    disposal = selectors_more.get_disposal(user, pk)
    council = list(disposal.council.select_related("member").order_by("pk"))
    return render(
        request,
        "archive/disposal_detail.html",
        {
            "disposal": disposal,
            "items": selectors_more.disposal_items(user, disposal),
            "council": council,
            "my_seat": next((c for c in council if c.member_id == user.pk), None),
        },
    )
