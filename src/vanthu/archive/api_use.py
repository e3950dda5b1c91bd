"""REST API of khai thác: access requests, the reading viewer, copies, the register of use."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import policy
from vanthu.archive import selectors_more, services_copy, services_reading, services_use
from vanthu.archive.api import acting_user
from vanthu.archive.models import AccessRequest, UseEntry
from vanthu.capture.pages import PAGE_WIDTH, parse_width
from vanthu.orgs.models import User
from vanthu.records.api import organization_for
from vanthu.records.models import Dossier


class AccessRequestSerializer(serializers.ModelSerializer[AccessRequest]):
    # A plain string in the schema: the codes are listed in docs/archive.md.
    status = serializers.CharField(read_only=True, help_text=", ".join(AccessRequest.Status.values))
    dossiers = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "organization",
            "requester",
            "purpose",
            "mode",
            "days",
            "secrecy",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "valid_until",
            "returned_at",
            "addressed_to",
            "dossiers",
        ]
        read_only_fields = fields

    def get_dossiers(self, obj: AccessRequest) -> list[int]:
        return [i.dossier_id for i in obj.items.all()]


class AccessRequestCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(required=False, allow_null=True)
    dossiers = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    purpose = serializers.CharField(allow_blank=True)
    mode = serializers.CharField(allow_blank=True)
    days = serializers.IntegerField()
    # The head who decides; required when a dossier is classified (docs/archive.md).
    addressed_to = serializers.IntegerField(required=False, allow_null=True)


class DecideSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CopySerializer(serializers.Serializer[Any]):
    document = serializers.IntegerField()
    file = serializers.IntegerField()
    kind = serializers.CharField(allow_blank=True)
    pages = serializers.CharField(required=False, allow_blank=True, default="")


class ReadingFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)


class ReadingDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number_symbol = serializers.CharField()
    summary = serializers.CharField()
    issued_date = serializers.DateField(allow_null=True)
    files = ReadingFileSerializer(many=True, source="files.all")


class UseEntrySerializer(serializers.ModelSerializer[UseEntry]):
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    allowed_by = serializers.IntegerField(source="request.decided_by_id", read_only=True)

    class Meta:
        model = UseEntry
        fields = ["id", "request", "dossier", "dossier_code", "user", "action", "at", "allowed_by"]
        read_only_fields = fields


@extend_schema(parameters=[OpenApiParameter("status", str, enum=AccessRequest.Status.values)])
class AccessRequestList(generics.ListAPIView[AccessRequest]):
    serializer_class = AccessRequestSerializer

    def get_queryset(self) -> QuerySet[AccessRequest]:
        user = acting_user(self.request)
        status_ = self.request.query_params.get("status")
        qs = selectors_more.requests(user, status=status_).prefetch_related("items")
        return qs.order_by("-pk")

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def post(self, request: Request) -> Response:
        ser = AccessRequestCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        found = {d.pk: d for d in Dossier.objects.filter(pk__in=v["dossiers"])}
        head = v.get("addressed_to")
        # An id that is no user is refused by the service with the same words as a wrong one.
        addressed_to = (User.objects.filter(pk=head).first() or User(pk=head)) if head else None
        created = services_use.create_request(
            actor=acting_user(request),
            organization=organization_for(request, v.get("organization")),
            # A missing id is handled like an invisible one: the service answers 404 for both.
            dossiers=[found.get(pk) or Dossier(pk=pk) for pk in v["dossiers"]],
            purpose=v["purpose"],
            mode=v["mode"],
            days=v["days"],
            addressed_to=addressed_to,
        )
        return Response(AccessRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class AccessRequestDetail(APIView):
    @extend_schema(responses=AccessRequestSerializer)
    def get(self, request: Request, pk: int) -> Response:
        found = selectors_more.get_request(acting_user(request), pk)
        return Response(AccessRequestSerializer(found).data)


class AccessRequestDecide(APIView):
    @extend_schema(request=DecideSerializer, responses=AccessRequestSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        found = selectors_more.get_request(actor, pk)
        ser = DecideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        decided = services_use.decide_request(actor=actor, request=found, **ser.validated_data)
        return Response(AccessRequestSerializer(decided).data)


class AccessRequestReturn(APIView):
    """The archivist takes a borrowed original back."""

    @extend_schema(request=None, responses=AccessRequestSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        found = selectors_more.get_request(actor, pk)
        returned = services_use.return_loan(actor=actor, request=found)
        return Response(AccessRequestSerializer(returned).data)


class ReadingDocuments(APIView):
    """Bản đọc: the documents the requester may read now (404 outside the period)."""

    @extend_schema(responses=ReadingDocumentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        try:
            room = services_reading.reading_room(actor=acting_user(request), request_pk=pk)
        except services_reading.ReadingClosed as exc:
            raise exceptions.NotFound(str(exc)) from exc
        return Response(ReadingDocumentSerializer(room.documents, many=True).data)


class ReadingPage(APIView):
    """One page as PNG, with the organisation in the margin; each view is a register line."""

    @extend_schema(
        parameters=[
            OpenApiParameter("file", int, required=True),
            OpenApiParameter("page", int, description="Trang, từ 1"),
            OpenApiParameter("width", int),
        ],
        responses={(200, "image/png"): bytes},
    )
    def get(self, request: Request, pk: int, document_pk: int) -> HttpResponse:
        # Whose request it is comes first: a stranger gets 404, never a 400 about parameters.
        services_reading.request_of_reader(acting_user(request), pk)
        p = request.query_params
        width = parse_width(p.get("width"), PAGE_WIDTH)
        file_pk, page = p.get("file", ""), p.get("page", "1")
        if not file_pk.isdigit() or not page.isdigit():
            raise exceptions.ValidationError({"file": [_("Phải chọn tệp và trang bằng số.")]})
        try:
            png = services_reading.view_page(
                actor=acting_user(request),
                request_pk=pk,
                document_pk=document_pk,
                file_pk=int(file_pk),
                page=int(page),
                width=width,
            )
        except services_reading.ReadingClosed as exc:
            raise exceptions.NotFound(str(exc)) from exc
        response = HttpResponse(png, content_type="image/png")
        # A reading copy is never kept by the browser or a proxy (no download, TT 05/2025).
        response["Cache-Control"] = "no-store, private"
        response["Content-Disposition"] = "inline"
        return response


class CopyIssue(APIView):
    """Bản sao / sao y / trích sao of a document of the request, as a PDF."""

    @extend_schema(
        request=CopySerializer,
        responses={(201, "application/pdf"): bytes},
        parameters=[
            OpenApiParameter(
                "X-Copy-Number",
                int,
                OpenApiParameter.HEADER,
                response=[201],
                description="Số bản sao",
            ),
            OpenApiParameter(
                "X-Copy-Signature-Level",
                str,
                OpenApiParameter.HEADER,
                response=[201],
                enum=["B-B", "B-T", "B-LT", "B-LTA"],
                description="Mức PAdES của chữ ký số (chỉ khi bản sao được ký số)",
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> HttpResponse:
        # An invisible request is 404 before its body is read: a stranger learns nothing.
        policy.get_visible_or_404(acting_user(request), AccessRequest.objects.all(), pk=pk)
        ser = CopySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        copy, data = services_copy.issue_copy(
            actor=acting_user(request),
            request_pk=pk,
            document_pk=v["document"],
            file_pk=v["file"],
            kind=v["kind"],
            pages=v["pages"],
        )
        response = HttpResponse(data, content_type="application/pdf", status=201)
        response["Content-Disposition"] = (
            f'attachment; filename="ban-sao-{copy.number:02d}-{copy.year}.pdf"'
        )
        response["X-Copy-Number"] = str(copy.number)
        if copy.signed:
            # The PAdES level its signature reached (docs/signatures.md, "Mức chữ ký").
            response["X-Copy-Signature-Level"] = copy.level
        return response


class UseRegister(generics.ListAPIView[UseEntry]):
    """Sổ sử dụng bản lưu: only lines about dossiers the user may see."""

    serializer_class = UseEntrySerializer

    def get_queryset(self) -> QuerySet[UseEntry]:
        return selectors_more.use_register(acting_user(self.request))
