"""Reads of the capture app: batches, the "chờ vào sổ" queue and the verification queue, through
the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.access import policy
from vanthu.orgs.models import User
from vanthu.registry.models import Document, DocumentFile, Status, TextStatus
from vanthu.registry.selectors import visible_documents

from .models import ScanBatch


def batches(user: User) -> QuerySet[ScanBatch]:
    return policy.visible(user, ScanBatch.objects.select_related("organization")).order_by(
        "-created_at", "-pk"
    )


def get_batch(user: User, pk: int) -> ScanBatch:
    """Missing and not visible are the same 404."""
    return policy.get_visible_or_404(user, ScanBatch.objects.select_related("organization"), pk=pk)


def pending_scans(user: User) -> QuerySet[Document]:
    """Scanned documents waiting for the clerk to register them (chờ vào sổ)."""
    qs = Document.objects.filter(status=Status.PENDING_REGISTRATION, scan_item__isnull=False)
    return (
        visible_documents(user, qs)
        .select_related("scan_item", "organization")
        .prefetch_related("files", "files__signature_check")  # the signature badge
        .order_by("pk")
    )


def quality_queue(user: User) -> QuerySet[DocumentFile]:
    """Files with quality flags that nobody has marked "Đã kiểm tra" (cần kiểm tra chất lượng),
    of the documents ``user`` may see, oldest first (issue 4 §5)."""
    return (
        DocumentFile.objects.filter(
            document__in=visible_documents(user).values("pk"),
            text_status=TextStatus.DONE,
            quality_check__isnull=True,
        )
        .exclude(quality_flags=[])
        .select_related("document", "document__document_type")
        .order_by("pk")
    )
