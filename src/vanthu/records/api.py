"""REST API for dossiers (docs/api.md "Dossiers") and retention tables. Views stay thin."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.core.api import Pagination
from vanthu.core.enums import Secrecy
from vanthu.core.keyset import OrderKeysetPaginationMixin
from vanthu.orgs.models import Organization, User
from vanthu.records import selectors, services
from vanthu.records.models import (
    Dossier,
    DossierDocument,
    RetentionCode,
    RetentionRule,
    RetentionSchedule,
)
from vanthu.registry.models import Document


def acting_user(request: Request) -> User:
    return cast(User, request.user)


def organization_for(request: Request, value: int | None) -> Organization:
    """The organisation named in the body, or the user's own (404 when there is none)."""
    pk = value if value is not None else acting_user(request).organization_id
    org = Organization.objects.filter(pk=pk).first() if pk is not None else None
    if org is None:
        raise Http404
    return org


def member_or_error(value: int | None, field: str) -> User | None:
    """A user named by id; a missing one gets the same words as one of another organisation."""
    if value is None:
        return None
    user = User.objects.filter(pk=value).prefetch_related("positions").first()
    if user is None:
        raise ValidationError({field: [_("Người lập hồ sơ phải công tác tại tổ chức này.")]})
    return user


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, read_only=True)
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices, read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "organization",
            "code",
            "title",
            "year",
            "retention_code",
            "retention_years",
            "plan_item",
            "responsible",
            "status",
            "opened_at",
            "closed_at",
            "closing_note",
            "start_date",
            "end_date",
            "document_count",
            "page_count",
            "sheet_count",
            "secrecy",
            "access_regime",
            "notes",
            "created_by",
        ]
        read_only_fields = fields


class DossierCreateSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    year = serializers.IntegerField(required=False)
    retention_years = serializers.IntegerField(required=False, allow_null=True)
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices, required=False)
    plan_item = serializers.IntegerField(required=False, allow_null=True)
    responsible = serializers.IntegerField(required=False, allow_null=True)
    organization = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    # Chế độ sử dụng, "01"/"02"/"03" (checked by the service, with Vietnamese errors).
    access_regime = serializers.CharField(required=False, allow_blank=True)


class AccessRegimeSerializer(serializers.Serializer[Any]):
    access_regime = serializers.CharField(allow_blank=True, help_text="01, 02 or 03")


class DossierDocumentSerializer(serializers.Serializer[Any]):
    document = serializers.IntegerField()
    is_original = serializers.BooleanField(default=True)


class EntryDocumentSerializer(serializers.ModelSerializer[Document]):
    document_type = serializers.CharField(source="document_type.code", read_only=True)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "direction",
            "number_symbol",
            "document_type",
            "issued_date",
            "summary",
            "secrecy",
            "page_count",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer[DossierDocument]):
    document = EntryDocumentSerializer(read_only=True)

    class Meta:
        model = DossierDocument
        fields = ["id", "position", "is_original", "document", "added_at"]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    documents = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "documents"]
        read_only_fields = fields

    @extend_schema(responses=EntrySerializer(many=True))
    def get_documents(self, obj: Dossier) -> list[dict[str, Any]]:
        entries = selectors.dossier_entries(self.context["request"].user, obj)
        return cast(list[dict[str, Any]], EntrySerializer(entries, many=True).data)


class CloseSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    sheet_count = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReopenSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class DossierListPagination(OrderKeysetPaginationMixin, Pagination):
    """Numbered pages with the exact count, plus ``?after=`` (the rows after the cursor, read
    on the list's order index at any depth; ``core.keyset``)."""


@extend_schema(
    parameters=[
        OpenApiParameter("year", int),
        OpenApiParameter("status", str, enum=Dossier.Status.values),
        OpenApiParameter("q", str, description="Tìm trong số, ký hiệu và tiêu đề hồ sơ"),
        OpenApiParameter("organization", int),
    ]
)
class DossierList(generics.ListAPIView[Dossier]):
    serializer_class = DossierSerializer
    pagination_class = DossierListPagination

    def get_queryset(self) -> QuerySet[Dossier]:
        p = self.request.query_params
        return selectors.dossier_list(
            acting_user(self.request),
            year=p.get("year"),
            status=p.get("status"),
            q=p.get("q"),
            organization=p.get("organization"),
        )

    @extend_schema(request=DossierCreateSerializer, responses={201: DossierSerializer})
    def post(self, request: Request) -> Response:
        ser = DossierCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        actor = acting_user(request)
        organization = organization_for(request, data.pop("organization", None))
        if data.get("plan_item") is not None:
            try:
                data["plan_item"] = selectors.get_plan_item(actor, data["plan_item"])
            except Http404 as exc:  # missing or not visible: the same words
                raise ValidationError(
                    {"plan_item": [_("Không tìm thấy hồ sơ này trong danh mục hồ sơ.")]}
                ) from exc
        data["responsible"] = member_or_error(data.get("responsible"), "responsible")
        dossier = services.create_dossier(actor=actor, organization=organization, data=data)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class DossierDetail(APIView):
    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        dossier = selectors.get_dossier(acting_user(request), pk)
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


def _document_or_404(pk: int) -> Document:
    # Missing and invisible documents get the same 404 (the service checks visibility).
    document = Document.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


class DossierDocuments(APIView):
    @extend_schema(request=DossierDocumentSerializer, responses={201: EntrySerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        ser = DossierDocumentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        entry = services.add_document(
            actor=actor,
            dossier=dossier,
            document=_document_or_404(ser.validated_data["document"]),
            is_original=ser.validated_data["is_original"],
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class DossierDocumentDetail(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int, document_pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        services.remove_document(
            actor=actor, dossier=dossier, document=_document_or_404(document_pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DossierClose(APIView):
    @extend_schema(request=CloseSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        ser = CloseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        dossier = services.close_dossier(
            actor=actor,
            dossier=dossier,
            note=ser.validated_data["note"],
            sheet_count=ser.validated_data["sheet_count"],
        )
        return Response(DossierSerializer(dossier).data)


class DossierReopen(APIView):
    @extend_schema(request=ReopenSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        ser = ReopenSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        dossier = services.reopen_dossier(
            actor=actor, dossier=dossier, reason=ser.validated_data["reason"]
        )
        return Response(DossierSerializer(dossier).data)


class DossierAccessRegime(APIView):
    @extend_schema(request=AccessRegimeSerializer, responses=DossierSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        ser = AccessRegimeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        dossier = services.set_access_regime(
            actor=actor, dossier=dossier, access_regime=ser.validated_data["access_regime"]
        )
        return Response(DossierSerializer(dossier).data)


class RetentionScheduleSerializer(serializers.ModelSerializer[RetentionSchedule]):
    class Meta:
        model = RetentionSchedule
        fields = ["id", "code", "name", "kind", "source", "is_sample", "organization", "notes"]


class RetentionRuleSerializer(serializers.ModelSerializer[RetentionRule]):
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices)

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "schedule",
            "position",
            "reference",
            "group",
            "title",
            "retention_code",
            "retention_years",
            "notes",
        ]


class RetentionScheduleList(generics.ListAPIView[RetentionSchedule]):
    serializer_class = RetentionScheduleSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[RetentionSchedule]:
        return selectors.retention_schedules()


@extend_schema(parameters=[OpenApiParameter("schedule", int), OpenApiParameter("q", str)])
class RetentionRuleList(generics.ListAPIView[RetentionRule]):
    serializer_class = RetentionRuleSerializer

    def get_queryset(self) -> QuerySet[RetentionRule]:
        p = self.request.query_params
        return selectors.retention_rules(schedule=p.get("schedule"), q=p.get("q"))
