"""Web actions of the organisation's signature on a document's page (docs/signatures.md,
"On the pages"): "Ký số của cơ quan" on an issued outgoing document's file and "Sao y bản
chính" on a scan. Thin: the document is looked up through the access policy first (a document
the user may not see is 404), then the service the API calls (``signatures.sign``) does the
work and every check; a refusal re-renders the page with its Vietnamese message and changes
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from vanthu.registry import selectors
from vanthu.registry.models import Direction, Document
from vanthu.registry.views import incoming, outgoing
from vanthu.registry.views.common import actor

from .personal import PersonallySigned, require_signer, sign_personal
from .sign import Signed, certify_copy, sign_outgoing
from .uploads import keep_uploads_in_memory, read_upload


class _Refusal(forms.Form):
    """Carries a refusal's messages back to the page (shown on top, as other actions')."""


def _detail(document: Document) -> str:
    name = (
        "registry:outgoing-detail"
        if document.direction == Direction.OUTGOING
        else "registry:incoming-detail"
    )
    return reverse(name, args=[document.pk]) + "#tep"


def _run(
    request: HttpRequest,
    document: Document,
    call: Callable[[], Signed | PersonallySigned],
    done: Callable[[Any], str],
) -> HttpResponse:
    status = 400
    refusal = _Refusal({})
    refusal.is_valid()
    try:
        signed = call()
    except ValidationError as exc:
        for message in exc.messages:
            refusal.add_error(None, message)
    except PermissionDenied as exc:
        refusal.add_error(None, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
        status = 403
    else:
        messages.success(request, done(signed))
        return HttpResponseRedirect(_detail(document))
    if document.direction == Direction.OUTGOING:
        return outgoing.render_detail(request, document, status, action_error=refusal)
    return incoming.render_detail(request, document, status, signing_form=refusal)


def _file_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@login_required
@require_POST
def outgoing_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Ký số của cơ quan on the chosen file (by default the document's first unsigned PDF)."""
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.OUTGOING)
    raw = (request.POST.get("file") or "").strip()
    file_id = _file_id(raw)
    if raw and file_id is None:
        # Not a file of any document: the service's own message for a file not found.
        file_id = 0
    return _run(
        request,
        document,
        lambda: sign_outgoing(actor=user, document=document, file_id=file_id),
        lambda s: (
            _("Đã ký số của cơ quan: tệp mới “%(name)s” (%(state)s).")
            % {"name": s.file.original_name, "state": s.check.get_state_display()}
        ),
    )


@login_required
@require_POST
def certified_copy(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """Sao y bản chính: the scan signed by the organisation with the copy mark."""
    user = actor(request)
    document = selectors.get_document(user, pk)
    place = (request.POST.get("place") or "")[:1000]
    return _run(
        request,
        document,
        lambda: certify_copy(actor=user, document=document, file_id=file_id, place=place),
        lambda s: (
            _("Đã sao y bản chính: bản sao số %(symbol)s, tệp “%(name)s”.")
            % {"symbol": s.signing.copy_symbol, "name": s.file.original_name}
        ),
    )


@csrf_exempt  # checked below, once the uploads are set to stay in memory (Django's docs)
@login_required
@require_POST
def outgoing_sign_personal(request: HttpRequest, pk: int) -> HttpResponse:
    """Ký số cá nhân: the signer signs the draft with their own key (never stored)."""
    keep_uploads_in_memory(request)
    return _sign_personal(request, pk)


@csrf_protect
def _sign_personal(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    document = selectors.get_document(user, pk, Direction.OUTGOING)
    raw = (request.POST.get("file") or "").strip()
    file_id = _file_id(raw) if raw else None
    if raw and file_id is None:
        file_id = 0
    key = read_upload(request.FILES.get("key"))
    passphrase = request.POST.get("passphrase") or ""
    image = read_upload(request.FILES.get("image"))

    def call() -> PersonallySigned:
        require_signer(user, document)  # 403 before any input is looked at
        if key is None:
            raise ValidationError({"key": [_("Hãy chọn tệp khóa ký số (.p12, .pfx).")]})
        return sign_personal(
            actor=user,
            document=document,
            file_id=file_id,
            p12_bytes=key,
            passphrase=passphrase[:1024],
            image=image,
        )

    return _run(
        request,
        document,
        call,
        lambda s: (
            _("Đã ký số cá nhân: tệp mới “%(name)s” (%(state)s).")
            % {"name": s.file.original_name, "state": s.check.get_state_display()}
        ),
    )
