"""The status note of a document (đã thu hồi, đã bị thay thế, …) as one SQL expression, so lists
mark replaced and recalled documents without a query per row. Imports only models: the
registry's selectors use it."""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from vanthu.drafts.models import DocumentRelation, RelationKind

# The strongest fact first: a recalled document is recalled, whatever else happened to it.
NOTES = {
    RelationKind.RECALLS: "recalled",
    RelationKind.REPLACES: "replaced",
    RelationKind.CORRECTS: "corrected",
    RelationKind.UPDATES: "updated",
}
NOTE_LABELS = {
    "recalled": _("Đã thu hồi"),
    "replaced": _("Đã bị thay thế"),
    "corrected": _("Đã đính chính"),
    "updated": _("Đã cập nhật"),
}
_RANK = Case(
    *(When(kind=kind, then=Value(i)) for i, kind in enumerate(NOTES)),
    output_field=IntegerField(),
)
_NOTE = Case(
    *(When(kind=kind, then=Value(note)) for kind, note in NOTES.items()),
)


def status_note() -> Subquery:
    """For ``.annotate(status_note=status_note())`` on a Document queryset: the note of the
    document itself or, for a copy delivered inside the installation, of its source."""
    about = DocumentRelation.objects.filter(
        Q(target=OuterRef("pk")) | Q(target=OuterRef("source_document"))
    )
    return Subquery(about.annotate(rank=_RANK, note=_NOTE).order_by("rank").values("note")[:1])


def label(note: str | None) -> str:
    return str(NOTE_LABELS[note]) if note else ""
