"""REST API for the yearly file plan (danh mục hồ sơ). Views stay thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.records import selectors, services
from vanthu.records.api import acting_user, member_or_error, organization_for
from vanthu.records.models import (
    FilePlan,
    FilePlanHeading,
    FilePlanItem,
    RetentionCode,
    RetentionRule,
)


class HeadingSerializer(serializers.ModelSerializer[FilePlanHeading]):
    class Meta:
        model = FilePlanHeading
        fields = ["id", "parent", "position", "label", "title", "abbreviation"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer[FilePlanItem]):
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices, read_only=True)

    class Meta:
        model = FilePlanItem
        fields = [
            "id",
            "heading",
            "position",
            "code",
            "title",
            "retention_code",
            "retention_years",
            "retention_rule",
            "responsible",
            "notes",
        ]
        read_only_fields = fields


class FilePlanSerializer(serializers.ModelSerializer[FilePlan]):
    class Meta:
        model = FilePlan
        fields = [
            "id",
            "organization",
            "year",
            "status",
            "numbering",
            "created_by",
            "approved_by",
            "approved_at",
        ]
        read_only_fields = fields


class FilePlanDetailSerializer(FilePlanSerializer):
    headings = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta(FilePlanSerializer.Meta):
        fields = [*FilePlanSerializer.Meta.fields, "headings", "items", "counts"]
        read_only_fields = fields

    @extend_schema(responses=HeadingSerializer(many=True))
    def get_headings(self, obj: FilePlan) -> list[Any]:
        return list(HeadingSerializer(selectors.plan_headings(obj), many=True).data)

    @extend_schema(responses=ItemSerializer(many=True))
    def get_items(self, obj: FilePlan) -> list[Any]:
        return list(ItemSerializer(selectors.plan_items(obj), many=True).data)

    def get_counts(self, obj: FilePlan) -> dict[str, int]:
        return services.plan_counts(obj)


class FilePlanCreateSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    organization = serializers.IntegerField(required=False, allow_null=True)
    numbering = serializers.ChoiceField(
        choices=FilePlan.Numbering.choices, default=FilePlan.Numbering.CONTINUOUS
    )


class FilePlanCopySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    organization = serializers.IntegerField(required=False, allow_null=True)


class HeadingCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(allow_blank=True)
    abbreviation = serializers.CharField(required=False, allow_blank=True, default="")
    # DRF takes declared fields out of the class; only the type checker sees Field.parent.
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


class ItemCreateSerializer(serializers.Serializer[Any]):
    heading = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    code = serializers.CharField(required=False, allow_blank=True)
    retention_code = serializers.ChoiceField(choices=RetentionCode.choices, required=False)
    retention_years = serializers.IntegerField(required=False, allow_null=True)
    retention_rule = serializers.PrimaryKeyRelatedField(
        queryset=RetentionRule.objects.all(), required=False, allow_null=True
    )
    responsible = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("organization", int)])
class FilePlanList(generics.ListAPIView[FilePlan]):
    serializer_class = FilePlanSerializer

    def get_queryset(self) -> Any:
        p = self.request.query_params
        return selectors.file_plan_list(
            acting_user(self.request), year=p.get("year"), organization=p.get("organization")
        )

    @extend_schema(request=FilePlanCreateSerializer, responses={201: FilePlanSerializer})
    def post(self, request: Request) -> Response:
        ser = FilePlanCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        plan = services.create_file_plan(
            actor=acting_user(request),
            organization=organization_for(request, ser.validated_data.get("organization")),
            year=ser.validated_data["year"],
            numbering=ser.validated_data["numbering"],
        )
        return Response(FilePlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class FilePlanCopy(APIView):
    @extend_schema(request=FilePlanCopySerializer, responses={201: FilePlanDetailSerializer})
    def post(self, request: Request) -> Response:
        ser = FilePlanCopySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        plan = services.copy_file_plan_from_previous_year(
            actor=acting_user(request),
            organization=organization_for(request, ser.validated_data.get("organization")),
            year=ser.validated_data["year"],
        )
        return Response(FilePlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class FilePlanDetail(APIView):
    @extend_schema(responses=FilePlanDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        plan = selectors.get_file_plan(acting_user(request), pk)
        return Response(FilePlanDetailSerializer(plan).data)


class FilePlanHeadings(APIView):
    @extend_schema(request=HeadingCreateSerializer, responses={201: HeadingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        plan = selectors.get_file_plan(actor, pk)
        ser = HeadingCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        parent_pk = ser.validated_data.get("parent")
        heading = services.add_heading(
            actor=actor,
            plan=plan,
            title=ser.validated_data["title"],
            abbreviation=ser.validated_data["abbreviation"],
            parent=selectors.get_plan_heading(plan, parent_pk) if parent_pk else None,
        )
        return Response(HeadingSerializer(heading).data, status=status.HTTP_201_CREATED)


class FilePlanItems(APIView):
    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        plan = selectors.get_file_plan(actor, pk)
        ser = ItemCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        item = services.add_plan_item(
            actor=actor,
            heading=selectors.get_plan_heading(plan, data["heading"]),
            title=data["title"],
            code=data.get("code"),
            retention_code=data.get("retention_code"),
            retention_years=data.get("retention_years"),
            retention_rule=data.get("retention_rule"),
            responsible=member_or_error(data.get("responsible"), "responsible"),
            notes=data["notes"],
        )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class FilePlanApprove(APIView):
    @extend_schema(request=None, responses=FilePlanSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        plan = services.approve_file_plan(actor=actor, plan=selectors.get_file_plan(actor, pk))
        return Response(FilePlanSerializer(plan).data)
