"""DRF serializers for the registry API (docs/api.md: incoming, outgoing, documents)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from rest_framework import serializers

from vanthu.core import workdays
from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry.models import Assignment, Channel, Document, DocumentFile, Recipient
from vanthu.signatures.serializers import FileSignatureOut

Messages = dict[str, str | StrPromise]

TYPE_ERRORS: Messages = {
    "does_not_exist": _("Không có loại văn bản “{value}”."),
    "invalid": _("Loại văn bản không hợp lệ."),
    "null": _("Phải chọn loại văn bản."),
    "required": _("Phải chọn loại văn bản."),
}
DATE_ERRORS: Messages = {
    "invalid": _("Ngày không hợp lệ (định dạng YYYY-MM-DD, ngày phải có thật).")
}
DATETIME_ERRORS: Messages = {"invalid": _("Thời điểm không hợp lệ (ISO 8601).")}
ORG_ERRORS: Messages = {
    "does_not_exist": _("Không có tổ chức mã số {pk_value}."),
    "incorrect_type": _("Mã tổ chức phải là số."),
}
USER_ERRORS: Messages = {
    "does_not_exist": _("Không có người dùng mã số {pk_value}."),
    "incorrect_type": _("Mã người dùng phải là số."),
    "required": _("Phải chọn người chủ trì."),
    "null": _("Phải chọn người chủ trì."),
}
INT_ERRORS: Messages = {"invalid": _("Phải là số nguyên.")}


def _type_field() -> serializers.SlugRelatedField[DocumentType]:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.filter(active=True),
        error_messages=TYPE_ERRORS,
    )


class IncomingIn(serializers.Serializer[Any]):
    sender = serializers.CharField(required=False, allow_blank=True, max_length=255)
    sender_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        error_messages=ORG_ERRORS,
    )
    number_symbol = serializers.CharField(required=False, allow_blank=True, max_length=100)
    document_type = _type_field()
    issued_date = serializers.DateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    signer = serializers.CharField(required=False, allow_blank=True, max_length=150)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NONE)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, error_messages=DATETIME_ERRORS
    )
    deadline = serializers.DateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, error_messages=INT_ERRORS
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PAPER)
    notes = serializers.CharField(required=False, allow_blank=True)


class RecipientIn(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, error_messages=ORG_ERRORS
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)


class OutgoingIn(serializers.Serializer[Any]):
    document_type = _type_field()
    summary = serializers.CharField(required=False, allow_blank=True)
    signer = serializers.CharField(required=False, allow_blank=True, max_length=150)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NONE)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    deadline = serializers.DateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, error_messages=INT_ERRORS
    )
    recipients = RecipientIn(many=True, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class AssigneeDeadlineIn(serializers.Serializer[Any]):
    """One assignee's own deadline: a date, or a number of working days from today."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        error_messages={
            "does_not_exist": _("Không có người dùng mã số {pk_value}."),
            "incorrect_type": _("Mã người dùng phải là số."),
            "required": _("Phải ghi người được giao (user)."),
            "null": _("Phải ghi người được giao (user)."),
        },
    )
    deadline = serializers.DateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    deadline_working_days = serializers.IntegerField(
        required=False, allow_null=True, error_messages=INT_ERRORS
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("deadline", "deadline_working_days") if attrs.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Ghi đúng một trong hai: deadline hoặc deadline_working_days.")
            )
        return attrs


class AssignIn(serializers.Serializer[Any]):
    lead = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), error_messages=USER_ERRORS
    )
    support = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    inform = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    deadline = serializers.DateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    note = serializers.CharField(required=False, allow_blank=True)
    # Additive (docs/registry.md "Deadlines"): N working days from today, and per-assignee.
    deadline_working_days = serializers.IntegerField(
        required=False, allow_null=True, error_messages=INT_ERRORS
    )
    deadlines = AssigneeDeadlineIn(many=True, required=False)

    def validate_deadlines(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        users = [item["user"].pk for item in items]
        if len(users) != len(set(users)):
            raise serializers.ValidationError(_("Mỗi người chỉ được ghi một hạn."))
        return items

    def deadlines_by_user(self) -> dict[int, Any]:
        return {
            item["user"].pk: item.get("deadline") or item["deadline_working_days"]
            for item in self.validated_data.get("deadlines", [])
        }


class PresentIn(serializers.Serializer[Any]):
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), error_messages=USER_ERRORS
    )


class NoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True)


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True)


class FileIn(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=True,
        error_messages={"required": _("Phải gửi tệp (trường multipart “file”).")},
    )


# --- output ---------------------------------------------------------------------------------


class FileOut(serializers.ModelSerializer[DocumentFile]):
    # null until the background check has run, and for files that are not PDFs.
    signature = FileSignatureOut(source="signature_check", read_only=True, allow_null=True)

    class Meta:
        model = DocumentFile
        fields = [
            "id",
            "sha256",
            "size",
            "content_type",
            "original_name",
            "position",
            "uploaded_at",
            "text_status",
            "page_count",
            "signature",
        ]


class AssignmentOut(serializers.ModelSerializer[Assignment]):
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    working_days_left = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "user",
            "user_name",
            "role",
            "deadline",
            "note",
            "assigned_at",
            "done_at",
            "working_days_left",
        ]

    def get_working_days_left(self, obj: Assignment) -> int | None:
        """Working days from today to the deadline; negative when overdue; null when done."""
        if obj.deadline is None or obj.done_at is not None:
            return None
        return workdays.working_days_between(timezone.localdate(), obj.deadline)


class RecipientOut(serializers.ModelSerializer[Recipient]):
    edxml_status = serializers.CharField(read_only=True)

    class Meta:
        model = Recipient
        fields = [
            "id",
            "organization",
            "name",
            "status",
            "edxml_status",
            "delivered",
            "return_reason",
        ]


class DocumentBase(serializers.ModelSerializer[Document]):
    document_type = serializers.CharField(source="document_type.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # docs/drafts.md: recalled, replaced, corrected or updated by its issuer (or null).
    status_note = serializers.ChoiceField(
        choices=["recalled", "replaced", "corrected", "updated"], read_only=True, allow_null=True
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "direction",
            "organization",
            "number",
            "number_symbol",
            "document_type",
            "issued_date",
            "summary",
            "signer",
            "secrecy",
            "urgency",
            "deadline",
            "page_count",
            "status",
            "status_label",
            "status_note",
        ]


class IncomingListOut(DocumentBase):
    arrival_number = serializers.IntegerField(source="number", read_only=True)
    year = serializers.IntegerField(read_only=True)

    class Meta(DocumentBase.Meta):
        fields = [
            *DocumentBase.Meta.fields,
            "arrival_number",
            "register",
            "year",
            "sender",
            "sender_organization",
            "received_at",
            "channel",
        ]


class OutgoingListOut(DocumentBase):
    class Meta(DocumentBase.Meta):
        fields = [*DocumentBase.Meta.fields, "register"]
