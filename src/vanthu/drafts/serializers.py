"""DRF serializers of the drafts API (docs/drafts.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vanthu.drafts.models import (
    Approval,
    DocumentRelation,
    DraftVersion,
    Initial,
    Review,
    Verdict,
)
from vanthu.registry.models import Document


class VersionIn(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=True,
        error_messages={"required": _("Phải gửi tệp dự thảo (trường multipart “file”).")},
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReviewIn(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        error_messages={
            "invalid_choice": _("Kết luận “{input}” không hợp lệ."),
            "required": _("Phải chọn kết luận."),
        },
    )
    opinion = serializers.CharField(
        allow_blank=True,
        max_length=20000,
        error_messages={"required": _("Phải ghi ý kiến góp ý.")},
    )


class InitialIn(serializers.Serializer[Any]):
    # A plain string (checked by the service): an enum named "role" collides in the schema
    # with the organisation roles.
    role = serializers.CharField(
        help_text="drafter (người soạn thảo) | unit_head (lãnh đạo đơn vị soạn thảo)",
        error_messages={"required": _("Phải chọn ký nháy với tư cách nào.")},
    )


class ApproveIn(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ByIn(serializers.Serializer[Any]):
    by = serializers.IntegerField(
        error_messages={
            "required": _("Phải chọn văn bản (mã số văn bản đi)."),
            "invalid": _("Mã văn bản phải là số."),
        }
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RecallIn(serializers.Serializer[Any]):
    reason = serializers.CharField(
        allow_blank=True,
        max_length=5000,
        error_messages={"required": _("Phải ghi lý do thu hồi.")},
    )


class VersionOut(serializers.ModelSerializer[DraftVersion]):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = DraftVersion
        fields = [
            "id",
            "number",
            "comment",
            "author",
            "author_name",
            "created_at",
            "original_name",
            "content_type",
            "size",
            "sha256",
        ]


class ReviewOut(serializers.ModelSerializer[Review]):
    reviewer_name = serializers.CharField(source="reviewer.__str__", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "version", "reviewer", "reviewer_name", "verdict", "opinion", "created_at"]


class InitialOut(serializers.ModelSerializer[Initial]):
    role = serializers.CharField(read_only=True, help_text="drafter | unit_head")
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Initial
        fields = ["id", "version", "role", "user", "user_name", "created_at"]


class ApprovalOut(serializers.ModelSerializer[Approval]):
    approver_name = serializers.CharField(source="approver.__str__", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Approval
        fields = ["id", "version", "approver", "approver_name", "comment", "created_at"]


class WorkflowOut(serializers.Serializer[Any]):
    versions = VersionOut(many=True)
    reviews = ReviewOut(many=True)
    initials = InitialOut(many=True)
    approval = ApprovalOut(allow_null=True)
    approved = serializers.BooleanField()
    missing_initials = serializers.ListField(child=serializers.CharField())


class RelationOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    # "target": this document is the one replaced/corrected/recalled; "source": it replaces or
    # corrects ``other``.
    role = serializers.CharField(help_text="target | source")
    other = serializers.IntegerField(allow_null=True)
    other_number_symbol = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    origin = serializers.CharField()
    created_at = serializers.DateTimeField()


def relation_data(document: Document, views: list[Any]) -> list[dict[str, Any]]:
    mine = {document.pk, document.source_document_id}
    out = []
    for v in views:
        r: DocumentRelation = v.relation
        out.append(
            {
                "id": r.pk,
                "kind": r.kind,
                "role": "target" if r.target_id in mine else "source",
                "other": v.other.pk if v.other is not None else None,
                "other_number_symbol": v.other.number_symbol if v.other is not None else None,
                "reason": r.reason,
                "origin": r.origin,
                "created_at": r.created_at,
            }
        )
    return out


class NoticeOut(serializers.ModelSerializer[Document]):
    document_type = serializers.CharField(source="document_type.code", read_only=True)
    status_note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "direction",
            "number",
            "number_symbol",
            "document_type",
            "issued_date",
            "sender",
            "status",
            "status_note",
        ]
