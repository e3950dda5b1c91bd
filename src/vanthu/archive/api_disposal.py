"""REST API of appraisal and disposal (hủy tài liệu hết giá trị) and legal holds."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import policy
from vanthu.archive import selectors_more, services_disposal
from vanthu.archive.api import acting_user
from vanthu.archive.api_holdings import dossier_or_404
from vanthu.archive.models import CouncilMember, Disposal, LegalHold
from vanthu.archive.paging import ArchiveListPagination
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.records.api import DossierSerializer, organization_for
from vanthu.records.models import Dossier


class ReviewSerializer(DossierSerializer):
    on_hold = serializers.BooleanField(read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "on_hold"]
        read_only_fields = fields


class ReviewList(generics.ListAPIView[Dossier]):
    """Xem xét hủy: closed dossiers whose retention is over (TT 05/2025 Chương VII)."""

    serializer_class = ReviewSerializer
    pagination_class = ArchiveListPagination

    def get_queryset(self) -> QuerySet[Dossier]:
        return selectors_more.to_review(acting_user(self.request))


class CouncilSerializer(serializers.ModelSerializer[CouncilMember]):
    class Meta:
        model = CouncilMember
        fields = ["member", "role", "vote", "opinion", "voted_at"]
        read_only_fields = fields


class DisposalSerializer(serializers.ModelSerializer[Disposal]):
    # A plain string in the schema: the codes are listed in docs/archive.md.
    status = serializers.CharField(read_only=True, help_text=", ".join(Disposal.Status.values))
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, read_only=True)

    class Meta:
        model = Disposal
        fields = [
            "id",
            "organization",
            "title",
            "explanatory_note",
            "status",
            "secrecy",
            "created_by",
            "created_at",
            "decision_number",
            "meeting_record",
            "approved_by",
            "approved_at",
            "executed_by",
            "executed_at",
            "handover_record",
            "destruction_record",
        ]
        read_only_fields = fields


class DisposalRowSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    dossier = serializers.IntegerField(source="dossier_id")
    code = serializers.CharField(source="dossier.code")
    title = serializers.CharField(source="dossier.title")
    retention_years = serializers.IntegerField(source="dossier.retention_years", allow_null=True)
    destroyed_files = serializers.ListField(child=serializers.DictField())


class DisposalDetailSerializer(DisposalSerializer):
    # Danh mục tài liệu hết giá trị: only the dossiers the reader may see.
    dossiers = DisposalRowSerializer(many=True, read_only=True)
    council = CouncilSerializer(many=True, read_only=True)

    class Meta(DisposalSerializer.Meta):
        fields = [*DisposalSerializer.Meta.fields, "dossiers", "council"]
        read_only_fields = fields


class SeatSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField()
    role = serializers.CharField(allow_blank=True)


class DisposalCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(required=False, allow_null=True)
    dossiers = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    title = serializers.CharField(allow_blank=True)
    explanatory_note = serializers.CharField(allow_blank=True)
    council = SeatSerializer(many=True)


class VoteSerializer(serializers.Serializer[Any]):
    agree = serializers.BooleanField()
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveDisposalSerializer(serializers.Serializer[Any]):
    decision_number = serializers.CharField(allow_blank=True)
    meeting_record = serializers.CharField(allow_blank=True)


class ExecuteSerializer(serializers.Serializer[Any]):
    handover_record = serializers.CharField(allow_blank=True)
    destruction_record = serializers.CharField(allow_blank=True)


def detail(user: User, disposal: Disposal) -> dict[str, Any]:
    data = dict(DisposalSerializer(disposal).data)
    data["dossiers"] = DisposalRowSerializer(
        selectors_more.disposal_items(user, disposal), many=True
    ).data
    data["council"] = CouncilSerializer(disposal.council.all(), many=True).data
    return data


def _members(seats: list[dict[str, Any]]) -> list[tuple[User, str]]:
    found = {u.pk: u for u in User.objects.filter(pk__in=[s["member"] for s in seats])}
    missing = [s["member"] for s in seats if s["member"] not in found]
    if missing:
        raise ValidationError({"council": [_("Không có người dùng số %s.") % missing[0]]})
    return [(found[s["member"]], s["role"]) for s in seats]


class DisposalList(generics.ListAPIView[Disposal]):
    serializer_class = DisposalSerializer

    def get_queryset(self) -> QuerySet[Disposal]:
        return selectors_more.disposals(acting_user(self.request)).order_by("-pk")

    @extend_schema(request=DisposalCreateSerializer, responses={201: DisposalDetailSerializer})
    def post(self, request: Request) -> Response:
        actor = acting_user(request)
        ser = DisposalCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        found = {d.pk: d for d in Dossier.objects.filter(pk__in=v["dossiers"])}
        disposal = services_disposal.create_disposal(
            actor=actor,
            organization=organization_for(request, v.get("organization")),
            # A missing id is handled like an invisible one: the service answers 404 for both.
            dossiers=[found.get(pk) or Dossier(pk=pk) for pk in v["dossiers"]],
            title=v["title"],
            explanatory_note=v["explanatory_note"],
            council=_members(v["council"]),
        )
        return Response(detail(actor, disposal), status=status.HTTP_201_CREATED)


class DisposalDetail(APIView):
    @extend_schema(responses=DisposalDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        return Response(detail(actor, selectors_more.get_disposal(actor, pk)))


class DisposalVote(APIView):
    @extend_schema(request=VoteSerializer, responses=DisposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        disposal = selectors_more.get_disposal(actor, pk)
        ser = VoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services_disposal.cast_vote(
            actor=actor,
            disposal=disposal,
            agree=ser.validated_data["agree"],
            opinion=ser.validated_data["opinion"],
        )
        return Response(detail(actor, disposal))


class DisposalApprove(APIView):
    @extend_schema(request=ApproveDisposalSerializer, responses=DisposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        disposal = selectors_more.get_disposal(actor, pk)
        ser = ApproveDisposalSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        disposal = services_disposal.approve_disposal(
            actor=actor, disposal=disposal, **ser.validated_data
        )
        return Response(detail(actor, disposal))


class DisposalExecute(APIView):
    @extend_schema(request=ExecuteSerializer, responses=DisposalDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        disposal = selectors_more.get_disposal(actor, pk)
        ser = ExecuteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        disposal = services_disposal.execute_disposal(
            actor=actor, disposal=disposal, **ser.validated_data
        )
        return Response(detail(actor, disposal))


class HoldSerializer(serializers.ModelSerializer[LegalHold]):
    class Meta:
        model = LegalHold
        fields = ["id", "dossier", "reason", "placed_by", "placed_at", "released_by", "released_at"]
        read_only_fields = fields


class HoldCreateSerializer(serializers.Serializer[Any]):
    dossier = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class HoldList(generics.ListAPIView[LegalHold]):
    serializer_class = HoldSerializer

    def get_queryset(self) -> QuerySet[LegalHold]:
        return selectors_more.holds(acting_user(self.request)).order_by("-pk")

    @extend_schema(request=HoldCreateSerializer, responses={201: HoldSerializer})
    def post(self, request: Request) -> Response:
        actor = acting_user(request)
        ser = HoldCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        hold = services_disposal.place_hold(
            actor=actor,
            dossier=dossier_or_404(actor, ser.validated_data["dossier"]),
            reason=ser.validated_data["reason"],
        )
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldRelease(APIView):
    @extend_schema(request=None, responses=HoldSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        hold = policy.get_visible_or_404(actor, LegalHold.objects.all(), pk=pk)
        return Response(HoldSerializer(services_disposal.release_hold(actor=actor, hold=hold)).data)
