"""REST API of the holdings: fonds, kho/giá/hộp, archival numbers, giữ lại (docs/archive.md)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import policy
from vanthu.archive import selectors_more, services_storage
from vanthu.archive.api import acting_user
from vanthu.archive.models import ArchivalUnit, Fonds, HeldBack, StorageLocation
from vanthu.archive.paging import ArchiveListPagination
from vanthu.orgs.models import User
from vanthu.records import selectors as records_selectors
from vanthu.records.api import organization_for
from vanthu.records.models import Dossier

M = TypeVar("M", bound=Model)


def pick(user: User, qs: QuerySet[M], pk: int | None, field: str, message: str) -> M | None:
    """An object named in a body: one the user may not see gets the same words as a missing one."""
    if pk is None:
        return None
    found = policy.visible(user, qs).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


def dossier_or_404(user: User, pk: int) -> Dossier:
    """A dossier named in a body: invisible and missing are the same 404 (docs/archive.md)."""
    return records_selectors.get_dossier(user, pk)


class FondsSerializer(serializers.ModelSerializer[Fonds]):
    class Meta:
        model = Fonds
        fields = ["id", "organization", "kind", "code", "name", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"organization": {"required": False, "allow_null": True}}


class FondsCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)


class FondsList(generics.ListAPIView[Fonds]):
    serializer_class = FondsSerializer

    def get_queryset(self) -> QuerySet[Fonds]:
        return selectors_more.fonds_list(acting_user(self.request)).order_by("pk")

    @extend_schema(request=FondsCreateSerializer, responses={201: FondsSerializer})
    def post(self, request: Request) -> Response:
        ser = FondsCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        fonds = services_storage.create_fonds(
            actor=acting_user(request),
            organization=organization_for(request, v.get("organization")),
            kind=v["kind"],
            code=v["code"],
            name=v["name"],
        )
        return Response(FondsSerializer(fonds).data, status=status.HTTP_201_CREATED)


class LocationSerializer(serializers.ModelSerializer[StorageLocation]):
    class Meta:
        model = StorageLocation
        fields = ["id", "organization", "kind", "parent", "code", "name"]
        read_only_fields = fields


class LocationCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    # The body field is "parent"; DRF's metaclass takes it out of the class attributes, so the
    # clash with Serializer.parent that mypy sees does not happen at run time.
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=StorageLocation.Kind.values),
        OpenApiParameter("parent", int),
    ]
)
class LocationList(generics.ListAPIView[StorageLocation]):
    serializer_class = LocationSerializer

    def get_queryset(self) -> QuerySet[StorageLocation]:
        p = self.request.query_params
        qs = selectors_more.locations(acting_user(self.request)).order_by("pk")
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("parent"):
            qs = qs.filter(parent_id=int(p["parent"])) if p["parent"].isdigit() else qs.none()
        return qs

    @extend_schema(request=LocationCreateSerializer, responses={201: LocationSerializer})
    def post(self, request: Request) -> Response:
        actor = acting_user(request)
        ser = LocationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        parent = pick(
            actor,
            StorageLocation.objects.all(),
            v.get("parent"),
            "parent",
            _("Không có vị trí cha này."),
        )
        location = services_storage.create_location(
            actor=actor,
            organization=organization_for(request, v.get("organization")),
            kind=v["kind"],
            code=v["code"],
            name=v["name"],
            parent=parent,
        )
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class UnitSerializer(serializers.ModelSerializer[ArchivalUnit]):
    number = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = ArchivalUnit
        fields = ["id", "dossier", "fonds", "catalogue_number", "box", "file_number", "number"]
        read_only_fields = fields


class UnitCreateSerializer(serializers.Serializer[Any]):
    dossier = serializers.IntegerField()
    fonds = serializers.IntegerField()
    catalogue_number = serializers.IntegerField()
    file_number = serializers.IntegerField()
    box = serializers.IntegerField(required=False, allow_null=True)


class UnitList(generics.ListAPIView[ArchivalUnit]):
    """Số lưu trữ: mục lục số, hộp số, hồ sơ số of accepted dossiers."""

    serializer_class = UnitSerializer
    pagination_class = ArchiveListPagination

    def get_queryset(self) -> QuerySet[ArchivalUnit]:
        return selectors_more.archival_units(acting_user(self.request))

    @extend_schema(request=UnitCreateSerializer, responses={201: UnitSerializer})
    def post(self, request: Request) -> Response:
        actor = acting_user(request)
        ser = UnitCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        dossier = dossier_or_404(actor, v["dossier"])
        fonds = pick(actor, Fonds.objects.all(), v["fonds"], "fonds", _("Không có phông này."))
        box = pick(
            actor, StorageLocation.objects.all(), v.get("box"), "box", _("Không có hộp này.")
        )
        unit = services_storage.assign_number(
            actor=actor,
            dossier=dossier,
            fonds=cast(Fonds, fonds),
            catalogue_number=v["catalogue_number"],
            file_number=v["file_number"],
            box=box,
        )
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)


class HeldBackSerializer(serializers.ModelSerializer[HeldBack]):
    # A plain string in the schema: the codes are listed in docs/archive.md.
    status = serializers.CharField(read_only=True, help_text=", ".join(HeldBack.Status.values))

    class Meta:
        model = HeldBack
        fields = [
            "id",
            "dossier",
            "organization",
            "reason",
            "until",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class HeldBackCreateSerializer(serializers.Serializer[Any]):
    dossier = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    until = serializers.DateField()


class ApproveSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()


class HeldBackList(generics.ListAPIView[HeldBack]):
    """Danh mục hồ sơ, tài liệu giữ lại (NĐ 30 Điều 31)."""

    serializer_class = HeldBackSerializer

    def get_queryset(self) -> QuerySet[HeldBack]:
        return selectors_more.held_back(acting_user(self.request)).order_by("-pk")

    @extend_schema(request=HeldBackCreateSerializer, responses={201: HeldBackSerializer})
    def post(self, request: Request) -> Response:
        actor = acting_user(request)
        ser = HeldBackCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        held = services_storage.request_hold_back(
            actor=actor,
            dossier=dossier_or_404(actor, v["dossier"]),
            reason=v["reason"],
            until=v["until"],
        )
        return Response(HeldBackSerializer(held).data, status=status.HTTP_201_CREATED)


class HeldBackDecide(APIView):
    @extend_schema(request=ApproveSerializer, responses=HeldBackSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        held = policy.get_visible_or_404(actor, HeldBack.objects.all(), pk=pk)
        ser = ApproveSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        held = services_storage.decide_hold_back(
            actor=actor, held=held, approve=ser.validated_data["approve"]
        )
        return Response(HeldBackSerializer(held).data)
