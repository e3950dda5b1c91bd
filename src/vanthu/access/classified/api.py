"""REST API of classified documents (docs/security.md §8–10). Thin: look the document up
through the registry selector (404 for what the user may not see), then one service or
selector."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access.classified import pdf, selectors, services
from vanthu.access.classified.periods import period_of
from vanthu.access.models import ClassificationDecision, CopyOrder, DocumentCopy, Handover
from vanthu.core.api import Pagination
from vanthu.orgs.models import Organization, User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Document


def _user(request: Request) -> User:
    return cast(User, request.user)


def _document(request: Request, pk: int) -> Document:
    return registry_selectors.get_document(_user(request), pk)


def _active_users() -> Any:
    return User.objects.filter(is_active=True)


# --- serializers ---------------------------------------------------------------------------


class DecisionOut(serializers.ModelSerializer[ClassificationDecision]):
    # Empty for the law's own declassification at expiry (no one decided).
    decided_by_name = serializers.CharField(
        source="decided_by.full_name", read_only=True, default=""
    )

    class Meta:
        model = ClassificationDecision
        fields = [
            "id",
            "kind",
            "decision_ref",
            "reason",
            "decided_by",
            "decided_by_name",
            "decided_on",
            "secrecy_before",
            "secrecy_after",
            "expires_before",
            "expires_after",
        ]


class ProtectionOut(serializers.Serializer[Any]):
    secrecy = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    declassified_on = serializers.DateField(allow_null=True)
    decided = serializers.BooleanField()
    days_left = serializers.IntegerField(allow_null=True)
    decisions = DecisionOut(many=True)


class DecisionIn(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)
    decision_ref = serializers.CharField(required=False, allow_blank=True, default="")
    # The date the decision was signed (ngày quyết định); today when not given.
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class DowngradeIn(DecisionIn):
    secrecy = serializers.CharField()
    expires_on = serializers.DateField(required=False, allow_null=True)


class ExtendIn(DecisionIn):
    expires_on = serializers.DateField()


class CopyOut(serializers.ModelSerializer[DocumentCopy]):
    mark = serializers.CharField(source="label", read_only=True)
    holder_full_name = serializers.CharField(source="holder.full_name", default="")

    class Meta:
        model = DocumentCopy
        fields = [
            "id",
            "kind",
            "number",
            "mark",
            "order",
            "holder",
            "holder_full_name",
            "holder_name",
            "created_at",
        ]


class HolderIn(serializers.Serializer[Any]):
    user = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), required=False, allow_null=True
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class CopiesIn(serializers.Serializer[Any]):
    holders = HolderIn(many=True)


class CopyOrderOut(serializers.ModelSerializer[CopyOrder]):
    numbers = serializers.SerializerMethodField()

    class Meta:
        model = CopyOrder
        fields = [
            "id",
            "form",
            "authorized_by",
            "made_by",
            "quantity",
            "purpose",
            "secrecy",
            "numbers",
            "created_at",
        ]

    def get_numbers(self, order: CopyOrder) -> list[int]:
        return sorted(c.number for c in order.copies.all())


class CopyOrderIn(serializers.Serializer[Any]):
    form = serializers.ChoiceField(choices=CopyOrder.Form.choices)
    made_by = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), required=False, allow_null=True
    )
    quantity = serializers.IntegerField()
    purpose = serializers.CharField(allow_blank=True, trim_whitespace=False)


class HandoverOut(serializers.ModelSerializer[Handover]):
    copy_label = serializers.CharField(source="copy.label", default="")
    from_name = serializers.CharField(source="from_user.full_name")
    to_full_name = serializers.CharField(source="to_user.full_name", default="")

    class Meta:
        model = Handover
        fields = [
            "id",
            "handed_at",
            "secrecy",
            "copy",
            "copy_label",
            "from_user",
            "from_name",
            "to_user",
            "to_full_name",
            "to_name",
            "note",
            "confirmed_at",
            "confirmed_by",
        ]


class HandoverIn(serializers.Serializer[Any]):
    to_user = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), required=False, allow_null=True
    )
    to_name = serializers.CharField(required=False, allow_blank=True, default="")
    copy = serializers.IntegerField(required=False, allow_null=True)
    handed_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmIn(serializers.Serializer[Any]):
    handover = serializers.IntegerField()


class ExpiringOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="document.pk")
    direction = serializers.CharField(source="document.direction")
    number_symbol = serializers.CharField(source="document.number_symbol")
    organization = serializers.IntegerField(source="document.organization_id")
    secrecy = serializers.CharField(source="document.secrecy")
    expires_on = serializers.DateField(source="period.expires_on")
    decided = serializers.BooleanField(source="period.decided")
    days_left = serializers.SerializerMethodField()

    def get_days_left(self, row: selectors.Expiring) -> int | None:
        return row.period.days_left()


def _valid(serializer: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    s = serializer(data=data)
    s.is_valid(raise_exception=True)
    return cast(dict[str, Any], s.validated_data)


# --- per-document views --------------------------------------------------------------------


def _protection_data(document: Document) -> dict[str, Any]:
    # A decision may just have changed the level and the period: read them again.
    document = Document.objects.get(pk=document.pk)
    period = period_of(document)
    return dict(
        ProtectionOut(
            {
                "secrecy": period.secrecy,
                "starts_on": period.starts_on,
                "expires_on": period.expires_on,
                "declassified_on": period.declassified_on,
                "decided": period.decided,
                "days_left": period.days_left(),
                "decisions": list(selectors.decisions_of(document)),
            }
        ).data
    )


class DocumentProtection(APIView):
    """GET: the protection period and every decision taken on it."""

    @extend_schema(responses=ProtectionOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_protection_data(_document(request, pk)))


def _decision(data: dict[str, Any]) -> services.Decision:
    return services.Decision(
        reason=data["reason"],
        decision_ref=data.get("decision_ref") or "",
        decided_on=data.get("decided_on"),
    )


class DocumentDeclassify(APIView):
    @extend_schema(request=DecisionIn, responses=ProtectionOut)
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(DecisionIn, request.data)
        services.declassify(actor=_user(request), document=document, decision=_decision(data))
        return Response(_protection_data(document))


class DocumentDowngrade(APIView):
    @extend_schema(request=DowngradeIn, responses=ProtectionOut)
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(DowngradeIn, request.data)
        services.downgrade(
            actor=_user(request),
            document=document,
            secrecy=data["secrecy"],
            expires_on=data.get("expires_on"),
            decision=_decision(data),
        )
        return Response(_protection_data(document))


class DocumentExtendProtection(APIView):
    """POST: a new end of the protection period (later: gia hạn; earlier: rút ngắn)."""

    @extend_schema(request=ExtendIn, responses=ProtectionOut)
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(ExtendIn, request.data)
        services.change_protection(
            actor=_user(request),
            document=document,
            expires_on=data["expires_on"],
            decision=_decision(data),
        )
        return Response(_protection_data(document))


class DocumentCopies(APIView):
    pagination_class = Pagination

    @extend_schema(responses=CopyOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.copies_of(document), request, view=self)
        return paginator.get_paginated_response(CopyOut(page, many=True).data)

    @extend_schema(request=CopiesIn, responses={201: CopyOut(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(CopiesIn, request.data)
        holders = [
            services.Holder(user=h.get("user"), name=h.get("name") or "") for h in data["holders"]
        ]
        copies = services.issue_copies(actor=_user(request), document=document, holders=holders)
        return Response(CopyOut(copies, many=True).data, status=status.HTTP_201_CREATED)


class DocumentCopyOrders(APIView):
    pagination_class = Pagination

    @extend_schema(responses=CopyOrderOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        orders = selectors.copy_orders_of(document).prefetch_related("copies")
        paginator = Pagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(CopyOrderOut(page, many=True).data)

    @extend_schema(request=CopyOrderIn, responses={201: CopyOrderOut})
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(CopyOrderIn, request.data)
        order = services.order_copies(
            actor=_user(request),
            document=document,
            form=data["form"],
            made_by=data.get("made_by"),
            quantity=data["quantity"],
            purpose=data["purpose"],
        )
        return Response(CopyOrderOut(order).data, status=status.HTTP_201_CREATED)


class DocumentHandovers(APIView):
    pagination_class = Pagination

    @extend_schema(responses=HandoverOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.handovers_of(document), request, view=self)
        return paginator.get_paginated_response(HandoverOut(page, many=True).data)

    @extend_schema(request=HandoverIn, responses={201: HandoverOut})
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(HandoverIn, request.data)
        copy = None
        if data.get("copy") is not None:
            copy = DocumentCopy.objects.filter(pk=data["copy"], document=document).first()
            if copy is None:
                raise ValidationError({"copy": [_("Bản này không thuộc văn bản này.")]})
        row = services.hand_over(
            actor=_user(request),
            document=document,
            to_user=data.get("to_user"),
            to_name=data.get("to_name") or "",
            copy=copy,
            handed_at=data.get("handed_at"),
            note=data.get("note") or "",
        )
        return Response(HandoverOut(row).data, status=status.HTTP_201_CREATED)


class DocumentHandoverConfirm(APIView):
    """POST ``{"handover": id}``: the receiver signs for it (ký nhận)."""

    @extend_schema(request=ConfirmIn, responses=HandoverOut)
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        data = _valid(ConfirmIn, request.data)
        row = Handover.objects.filter(pk=data["handover"], document=document).first()
        if row is None:
            raise ValidationError({"handover": [_("Không có lần chuyển giao này.")]})
        row = services.confirm_handover(actor=_user(request), document=document, handover=row)
        return Response(HandoverOut(row).data)


# --- lists and registers -------------------------------------------------------------------


def parse_days(value: str | None) -> int:
    default = int(getattr(settings, "VANTHU_PROTECTION_NOTICE_DAYS", 180))
    if value is None or value.strip() == "":
        return default
    if not value.strip().isdigit() or not 0 <= int(value) <= 3650:
        raise ValidationError({"days": [_("Số ngày phải là số nguyên từ 0 đến 3650.")]})
    return int(value)


class ExpiringProtection(APIView):
    """GET: classified documents of the organisations the user leads whose protection ends
    within ``days`` days (already ended included), soonest first."""

    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("days", OpenApiTypes.INT)],
        responses=ExpiringOut(many=True),
    )
    def get(self, request: Request) -> Response:
        days = parse_days(request.query_params.get("days"))
        rows = selectors.expiring(_user(request), days=days)
        paginator = Pagination()
        page: Any = paginator.paginate_queryset(cast(Any, rows), request, view=self)
        documents = selectors.load([pk for _expires, pk in page])
        return paginator.get_paginated_response(ExpiringOut(documents, many=True).data)


def parse_register_query(user: User, params: Any) -> tuple[Organization, int]:
    errors: dict[str, list[str]] = {}
    year = timezone.localdate().year
    raw = (params.get("year") or "").strip()
    if raw:
        if not raw.isdigit() or not 1900 <= int(raw) <= 2999:
            errors["year"] = [_("Năm phải là số có 4 chữ số.")]
        else:
            year = int(raw)
    allowed = selectors.register_organizations(user)
    raw_org = (params.get("organization") or "").strip()
    organization: Organization | None = None
    if raw_org:
        if not raw_org.isdigit():
            errors["organization"] = [_("Mã tổ chức phải là số.")]
        else:
            organization = allowed.filter(pk=int(raw_org)).first()
            if organization is None:
                errors["organization"] = [_("Bạn không giữ sổ mật của tổ chức này.")]
    elif not errors:
        own = allowed.filter(pk=user.organization_id) if user.organization_id else allowed.none()
        organization = own.first() or allowed.first()
        if organization is None:
            raise Http404
    if errors or organization is None:
        raise ValidationError(errors)
    return organization, year


REGISTER_PARAMS = [
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("organization", OpenApiTypes.INT),
]


def _pdf_response(name: str, write: Any) -> FileResponse:
    # Closed by the FileResponse once sent.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/pdf")


class _RegisterPdf(APIView):
    """A printed register of the year (sổ chuyển giao / sổ quản lý sao, chụp): one view each."""

    register = ""
    file_stem = ""
    entries: Any = staticmethod(selectors.handover_register)
    writer: Any = staticmethod(pdf.write_handover_register)

    @extend_schema(
        parameters=REGISTER_PARAMS, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request) -> FileResponse:
        user = _user(request)
        organization, year = parse_register_query(user, request.query_params)
        services.record_register_print(
            actor=user, organization=organization, register=self.register, year=year
        )
        entries = self.entries(user, organization, year)
        return _pdf_response(
            f"{self.file_stem}-{organization.pk}-{year}.pdf",
            lambda out: self.writer(
                out,
                organization=organization,
                year=year,
                entries=entries.iterator(chunk_size=500),
                printed_by=user.full_name or user.username,
            ),
        )


class HandoverRegisterPdf(_RegisterPdf):
    register = "handover"
    file_stem = "so-chuyen-giao-mat"


class CopyRegisterPdf(_RegisterPdf):
    register = "copies"
    file_stem = "so-sao-chup-mat"
    entries = staticmethod(selectors.copy_register)
    writer = staticmethod(pdf.write_copy_register)
