"""``{% signature_status file %}`` and ``{% signature_alert files %}``: the signature check of
stored files on a document's page (docs/signatures.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from vanthu.exchange.verify import State
from vanthu.signatures.services import check_of

register = template.Library()

BADGE = {
    State.VALID: "text-bg-success",
    State.INVALID: "text-bg-danger",
    State.EXPIRED: "text-bg-danger",
    State.REVOKED: "text-bg-danger",
    State.UNTRUSTED: "text-bg-warning",
    State.UNSIGNED: "text-bg-light",
}
VN_FORMAT = "%d/%m/%Y %H:%M"


def _when(check: object) -> str:
    from django.utils import timezone

    signing_time = getattr(check, "signing_time", None)
    return timezone.localtime(signing_time).strftime(VN_FORMAT) if signing_time else ""


@register.simple_tag
def signature_status(file: object, unsigned: bool = True) -> SafeString:
    """The badge of ``file``'s check; ``unsigned=False`` hides the "no signature" badge (a
    queue of scans, where nearly every file is unsigned)."""
    check = check_of(file)  # type: ignore[arg-type]
    if check is None:
        return SafeString("")
    state = State(check.state)
    if state == State.UNSIGNED and not unsigned:
        return SafeString("")
    label = f"Chữ ký số: {state.label}"
    detail = ""
    if state != State.UNSIGNED:
        detail = " — ".join(x for x in (check.signer_name, _when(check)) if x)
    return format_html(
        '<span class="badge {} app-signature" data-signature="{}" title="{}">{}</span>{}',
        BADGE[state],
        state.value,
        check.reason,
        label,
        format_html(' <span class="small">{}</span>', detail) if detail else "",
    )


@register.simple_tag
def signature_alert(files: Iterable[object]) -> SafeString:
    """A red notice above the files when any signature failed: never accepted silently."""
    failed = [(f, c) for f in files if (c := check_of(f)) is not None and c.failed]  # type: ignore[arg-type]
    if not failed:
        return SafeString("")
    items = format_html_join(
        "", "<li>{}: {}</li>", ((getattr(f, "original_name", ""), c.reason) for f, c in failed)
    )
    return format_html(
        '<div class="alert alert-danger small app-signature-alert" role="alert">'
        '<strong>{}</strong><ul class="mb-0">{}</ul></div>',
        "Chữ ký số không đạt — cần kiểm tra trước khi vào sổ và xử lý.",
        items,
    )


@register.simple_tag(takes_context=True)
def organization_signing(
    context: template.Context, document: object, files: list[object]
) -> object:
    """What the page offers for the organisation's signature (``selectors.FileActions``): the
    buttons only for the office of the organisation, on files that qualify."""
    from vanthu.orgs.models import User
    from vanthu.signatures.selectors import FileActions, file_actions

    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not files:
        return FileActions()
    return file_actions(user, document, files)  # type: ignore[arg-type]


@register.simple_tag
def signing_of(actions: object, file: object) -> dict[str, object]:
    """``{"made", "sign", "copy"}`` of one file from ``organization_signing``'s answer."""
    pk = getattr(file, "pk", None)
    return {
        "made": getattr(actions, "made", {}).get(pk, ""),
        "sign": pk in getattr(actions, "sign", set()),
        "copy": pk in getattr(actions, "copy", set()),
    }


@register.inclusion_tag("signatures/_personal_form.html", takes_context=True)
def personal_signing(context: template.Context, document: object) -> dict[str, object]:
    """The "Ký số cá nhân" form on a draft outgoing document's page, for its signer only."""
    from vanthu.orgs.models import User
    from vanthu.registry.models import Document
    from vanthu.signatures.personal import offer

    request = context.get("request")
    user = getattr(request, "user", None)
    f = offer(user, document) if isinstance(user, User) and isinstance(document, Document) else None
    return {"doc": document, "target": f, "csrf_token": context.get("csrf_token")}
