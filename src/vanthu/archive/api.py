"""REST API of nộp lưu (docs/archive.md). Views stay thin."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.archive import selectors, services
from vanthu.archive.models import Transfer
from vanthu.archive.paging import ArchiveListPagination
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.records.api import DossierSerializer, organization_for
from vanthu.records.models import Dossier, RetentionCode


def acting_user(request: Request) -> User:
    return cast(User, request.user)


class DueDossierSerializer(DossierSerializer):
    due_date = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "due_date"]
        read_only_fields = fields

    def get_due_date(self, obj: Dossier) -> Any:
        due = services.due_date(obj)
        return due.isoformat() if due else None


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "organization",
            "title",
            "status",
            "secrecy",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class TransferRowSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    dossier = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices)
    retention_years = serializers.IntegerField(allow_null=True)
    sheet_count = serializers.IntegerField()
    page_count = serializers.IntegerField()
    notes = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class HandoverSerializer(serializers.Serializer[Any]):
    handed_by = serializers.CharField()
    handed_by_person = serializers.CharField()
    received_by_person = serializers.CharField()
    title = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    dossier_count = serializers.IntegerField()
    file_count = serializers.IntegerField()
    sheet_count = serializers.IntegerField()
    condition = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class TransferDetailSerializer(TransferSerializer):
    # Mục lục hồ sơ nộp lưu: one row per dossier the user may see.
    dossiers = TransferRowSerializer(many=True, read_only=True)
    handover = HandoverSerializer(read_only=True)

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "dossiers", "handover"]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer[Any]):
    dossiers = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    organization = serializers.IntegerField(required=False, allow_null=True)


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


def _detail(request: Request, transfer: Transfer) -> dict[str, Any]:
    rows = selectors.transfer_rows(acting_user(request), transfer)
    data = dict(TransferSerializer(transfer).data)
    data["dossiers"] = TransferRowSerializer(rows, many=True).data
    data["handover"] = HandoverSerializer(selectors.handover_record(transfer, rows)).data
    return data


@extend_schema(
    parameters=[
        OpenApiParameter("organization", int),
        OpenApiParameter("due_within", int, description="Chỉ hồ sơ đến hạn trong N ngày"),
    ]
)
class TransferDue(generics.ListAPIView[Dossier]):
    serializer_class = DueDossierSerializer
    pagination_class = ArchiveListPagination

    def get_queryset(self) -> QuerySet[Dossier]:
        p = self.request.query_params
        return selectors.transfer_due(
            acting_user(self.request),
            organization=p.get("organization"),
            due_within=p.get("due_within"),
        )


@extend_schema(parameters=[OpenApiParameter("status", str, enum=Transfer.Status.values)])
class TransferList(generics.ListAPIView[Transfer]):
    serializer_class = TransferSerializer

    def get_queryset(self) -> QuerySet[Transfer]:
        return selectors.transfer_list(
            acting_user(self.request), status=self.request.query_params.get("status")
        )

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferDetailSerializer})
    def post(self, request: Request) -> Response:
        ser = TransferCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        pks = ser.validated_data["dossiers"]
        found = {d.pk: d for d in Dossier.objects.filter(pk__in=pks)}
        # A missing id is handled like an invisible one: the service answers 404 for both.
        dossiers = [found.get(pk) or Dossier(pk=pk) for pk in pks]
        transfer = services.create_transfer(
            actor=acting_user(request),
            organization=organization_for(request, ser.validated_data.get("organization")),
            dossiers=dossiers,
            title=ser.validated_data["title"],
        )
        return Response(_detail(request, transfer), status=status.HTTP_201_CREATED)


class TransferDetail(APIView):
    @extend_schema(responses=TransferDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, selectors.get_transfer(acting_user(request), pk)))


class TransferAccept(APIView):
    @extend_schema(request=DecisionSerializer, responses=TransferDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        ser = DecisionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        transfer = services.accept_transfer(
            actor=actor,
            transfer=selectors.get_transfer(actor, pk),
            note=ser.validated_data["note"],
        )
        return Response(_detail(request, transfer))


class TransferReturn(APIView):
    @extend_schema(request=ReturnSerializer, responses=TransferSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        ser = ReturnSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        transfer = services.return_transfer(
            actor=actor,
            transfer=selectors.get_transfer(actor, pk),
            reason=ser.validated_data["reason"],
        )
        return Response(TransferSerializer(transfer).data)


class TransferListPdf(APIView):
    """Mục lục hồ sơ nộp lưu as PDF (2 copies, Phụ lục V)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        from vanthu.archive import pdf

        actor = acting_user(request)
        transfer = selectors.get_transfer(actor, pk)
        data = pdf.transfer_list_pdf(transfer, selectors.transfer_rows(actor, transfer))
        return HttpResponse(data, content_type="application/pdf")


class HandoverPdf(APIView):
    """Biên bản giao nhận as PDF (2 copies)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        from vanthu.archive import pdf

        actor = acting_user(request)
        transfer = selectors.get_transfer(actor, pk)
        facts = selectors.handover_record(transfer, selectors.transfer_rows(actor, transfer))
        return HttpResponse(pdf.handover_pdf(transfer, facts), content_type="application/pdf")
