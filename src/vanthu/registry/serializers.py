"""DRF serializers for the registry API (docs/api.md: incoming, outgoing, documents)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from rest_framework import serializers

from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry.models import Assignment, Channel, Document, DocumentFile, Recipient

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
        ]


class AssignmentOut(serializers.ModelSerializer[Assignment]):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "user", "user_name", "role", "deadline", "note", "assigned_at", "done_at"]


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
