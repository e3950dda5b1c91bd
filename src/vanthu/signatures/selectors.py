"""Reads about signatures: the document lists' ``signature`` filter and badge, and what a
document's page may offer (sign, sao y). Documents reach these only through a list or a detail
that the access policy has already filtered (docs/signatures.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from vanthu.access import policy
from vanthu.core.enums import Role, Secrecy
from vanthu.exchange.verify import FAILED, State
from vanthu.orgs.models import User
from vanthu.registry.models import Direction, Document, DocumentFile, Status

from .models import FileSignature, OrganizationSignature, PersonalSignature

# The values of ``?signature=`` on the document lists: the document's worst file decides.
FAILED_VALUE = "failed"
VALID_VALUE = "valid"
UNSIGNED_VALUE = "unsigned"
FILTERS = {
    FAILED_VALUE: _("Chữ ký số không đạt"),
    VALID_VALUE: _("Chữ ký số hợp lệ"),
    UNSIGNED_VALUE: _("Không có chữ ký số"),
}
SIGNED = (*FAILED, State.VALID)


def _files_in(states: tuple[str, ...] | frozenset[str]) -> Exists:
    """EXISTS a file of the outer document whose check is in ``states``: probes
    ``registry_documentfile(document_id)`` and the one-to-one ``file_id`` of the check, or,
    for a rare state, starts from ``signature_by_state`` (docs/signatures.md, "Lists")."""
    return Exists(
        FileSignature.objects.filter(file__document=OuterRef("pk"), state__in=sorted(states))
    )


def document_filter(value: str) -> Q:
    """The condition of ``?signature=value``; ``value`` already checked (``FILTERS``).

    ``failed``: a file's check failed (``exchange.verify.FAILED``: invalid, revoked, expired,
    untrusted). ``valid``: a file carries a
    valid signature and none failed. ``unsigned``: no file carries a signature (no file, files
    that are not PDFs, unsigned PDFs, and PDFs not checked yet)."""
    if value == FAILED_VALUE:
        return Q(_files_in(FAILED))
    if value == VALID_VALUE:
        return Q(_files_in((State.VALID,))) & ~Q(_files_in(FAILED))
    if value == UNSIGNED_VALUE:
        return ~Q(_files_in(SIGNED))
    raise ValueError(value)


def failed_flag() -> Exists:
    """Annotation for a list's badge: does any file of the row's document fail its check."""
    return _files_in(FAILED)


# --- a document's page: which organisation signatures it may offer --------------------------


@dataclass
class FileActions:
    """What the page shows next to each file: ``sign`` (ký số của cơ quan), ``copy`` (sao y),
    and ``made`` — for a file the organisation signed, what it is ("Bản ký số của cơ quan",
    "Bản sao y số 01/SY")."""

    sign: set[int] = field(default_factory=set)
    copy: set[int] = field(default_factory=set)
    made: dict[int, str] = field(default_factory=dict)


def _is_pdf(f: DocumentFile) -> bool:
    return f.content_type == "application/pdf" or f.original_name.lower().endswith(".pdf")


def file_actions(user: User, document: Document, files: list[DocumentFile]) -> FileActions:
    """Only call with a document already checked visible to ``user``. Two queries. The buttons
    are a convenience: the services check everything again."""
    actions = FileActions()
    rows = OrganizationSignature.objects.filter(
        Q(source__document=document) | Q(signed__document=document)
    ).values_list("source_id", "signed_id", "kind", "copy_number")
    sources: set[int] = set()
    # A draft the competent person signed: its personally signed file is the one to go on.
    for source, signed in PersonalSignature.objects.filter(
        Q(source__document=document) | Q(signed__document=document)
    ).values_list("source_id", "signed_id"):
        sources.add(source)
        actions.made[signed] = str(_("Bản ký số cá nhân"))
    organization_made: set[int] = set()
    for source, signed, kind, number in rows:
        organization_made.add(signed)
        sources.add(source)
        if kind == OrganizationSignature.Kind.CERTIFIED_COPY:
            actions.made[signed] = str(_("Bản sao y số %02d/SY") % number)
        else:
            actions.made[signed] = str(_("Bản ký số của cơ quan"))
    if Role.CLERK not in policy.roles_in(user, document.organization):
        return actions
    open_files = [
        f for f in files if _is_pdf(f) and f.pk not in sources and f.pk not in organization_made
    ]
    issued = document.status in (Status.ISSUED, Status.SENT) and bool(document.number_symbol)
    if document.direction == Direction.OUTGOING and issued:
        actions.sign = {f.pk for f in open_files}
    classified = document.secrecy != Secrecy.NONE
    if not classified or (
        settings.VANTHU_SECURITY_ZONE == "isolated"
        and Secrecy.rank(user.clearance) >= Secrecy.rank(document.secrecy)
    ):
        # A scan of paper: checked and found unsigned (a signed file is not a scan).
        actions.copy = {
            f.pk
            for f in open_files
            if (check := _check(f)) is not None and check.state == State.UNSIGNED
        }
    return actions


def _check(f: DocumentFile) -> FileSignature | None:
    try:
        return f.signature_check
    except FileSignature.DoesNotExist:
        return None
