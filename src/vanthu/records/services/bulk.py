"""Lập hồ sơ hàng loạt: file many documents into one dossier in one step (issue #12).

All or nothing. A dossier is one unit of filing whose order is the order the clerk chose; half
a selection filed would leave the clerk working out which half, and the positions of a retry
interleaved with it. So every document is checked first, each problem is reported against its
document, and nothing is stored unless all are good (as the archive's ``create_transfer``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.guide.rules import cite
from vanthu.orgs.models import User
from vanthu.records.models import Dossier, DossierDocument
from vanthu.records.services.dossiers import _refresh, require_editor
from vanthu.registry.models import Document
from vanthu.registry.selectors import visible_documents

# One request files at most this many documents (a year's documents of one matter fit easily;
# more is a mistake or an abuse, and is refused before anything is read).
MAX_BULK = 500


class BulkFilingError(ValidationError):
    """Some documents cannot be filed: ``problems`` maps each document's id to its reasons."""

    def __init__(self, problems: dict[int, list[str]]) -> None:
        self.problems = problems
        super().__init__({"documents": [m for ms in problems.values() for m in ms]})


def _label(document: Document) -> str:
    return document.number_symbol or _("văn bản số %s") % (document.number or document.pk)


@transaction.atomic
def add_documents(
    *, actor: User, dossier: Dossier, document_ids: list[int], is_original: bool = True
) -> list[DossierDocument]:
    """File ``document_ids`` in the dossier, in the order given, after those already in it.

    A document the actor may not see (or that does not exist) makes the whole request a 404,
    with nothing said about which one: the same answer as ``add_document``.
    """
    dossier = Dossier.objects.select_for_update().select_related("organization").get(pk=dossier.pk)
    require_editor(actor, dossier)
    if not document_ids:
        raise ValidationError({"documents": [_("Phải chọn ít nhất một văn bản.")]})
    if len(document_ids) > MAX_BULK:
        raise ValidationError({"documents": [_("Mỗi lần lập hồ sơ tối đa %s văn bản.") % MAX_BULK]})
    # One query for existence and visibility together: missing and forbidden are one answer.
    found = {
        d.pk: d
        for d in visible_documents(
            actor, Document.objects.filter(pk__in=set(document_ids))
        ).select_related("document_type")
    }
    if any(pk not in found for pk in document_ids):
        policy.raise_404()
    if dossier.status != Dossier.Status.OPEN:
        raise ValidationError(
            {"dossier": [_("Hồ sơ %s đã kết thúc; phải mở lại trước khi sửa.") % dossier.code]}
        )
    already = set(
        dossier.entries.filter(document_id__in=found).values_list("document_id", flat=True)
    )
    original_elsewhere = (
        set(
            DossierDocument.objects.filter(document_id__in=found, is_original=True).values_list(
                "document_id", flat=True
            )
        )
        if is_original
        else set()
    )
    problems: dict[int, list[str]] = {}
    seen: set[int] = set()
    for pk in document_ids:
        document = found[pk]
        label = _label(document)
        if pk in seen:
            problems.setdefault(pk, []).append(_("%s: được chọn hai lần.") % label)
        elif document.organization_id != dossier.organization_id:
            problems[pk] = [_("%s: chỉ lập hồ sơ từ văn bản của chính tổ chức.") % label]
        elif pk in already:
            problems[pk] = [_("%s: văn bản đã có trong hồ sơ này.") % label]
        elif pk in original_elsewhere:
            problems[pk] = [
                cite(
                    "mo-ho-so",
                    _("%s: văn bản đã là bản lưu chính trong hồ sơ khác; chỉ có thể tham chiếu.")
                    % label,
                )
            ]
        seen.add(pk)
    if problems:
        raise BulkFilingError(problems)
    last = dossier.entries.aggregate(m=Max("position"))["m"] or 0
    entries = DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            document=found[pk],
            position=last + n,
            is_original=is_original,
            added_by=actor,
        )
        for n, pk in enumerate(document_ids, start=1)
    )
    before = dossier.secrecy
    _refresh(dossier)
    dossier.save()
    record(
        action="records.dossier.add_documents",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={
            "documents": list(document_ids),
            "positions": [last + 1, last + len(document_ids)],
            "is_original": is_original,
            "secrecy": [before, dossier.secrecy] if before != dossier.secrecy else None,
        },
    )
    return entries
