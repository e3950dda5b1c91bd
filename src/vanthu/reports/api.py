"""REST API of the reports app: printable registers, their print, the phiếu giải quyết, and the
statistics. Thin: parse, call one selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.orgs.models import User
from vanthu.registry.models import Register
from vanthu.reports import archive_stats, output, selectors, statistics
from vanthu.reports.periods import Period, parse_format, parse_period

PERIOD_PARAMS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="YYYY-MM-DD"),
]


def _user(request: Request) -> User:
    return cast(User, request.user)


class RegisterOut(serializers.ModelSerializer[Register]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Register
        fields = ["id", "organization", "organization_name", "direction", "series", "name"]


class RegisterList(generics.ListAPIView[Register]):
    serializer_class = RegisterOut

    def get_queryset(self) -> QuerySet[Register]:
        return selectors.printable_registers(_user(self.request))


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class FormatIsOurs(DefaultContentNegotiation):
    """``?format=pdf|xlsx`` names the file (docs/reports.md), not a DRF renderer."""

    settings = _NoFormatOverride  # type: ignore[assignment]


class RegisterPrint(APIView):
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("format", OpenApiTypes.STR, enum=["pdf", "xlsx"]),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        user = _user(request)
        # The register first: one the user may not print is 404 whatever the query says.
        register = selectors.get_printable_register(user, pk)
        params = request.query_params
        errors: dict[str, list[str]] = {}
        fmt = "pdf"
        try:
            fmt = parse_format(params.get("format"))
        except ValidationError as exc:
            errors |= exc.message_dict
        try:
            period = parse_period(params.get("date_from"), params.get("date_to"))
        except ValidationError as exc:
            errors |= exc.message_dict
        if errors:
            raise ValidationError(errors)
        return output.register_response(user, register, period, fmt)


class IncomingSlip(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        user = _user(request)
        return output.slip_response(user, selectors.incoming_for_slip(user, pk))


def parse_organization(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    if not value.strip().isdigit():
        raise ValidationError({"organization": [_("Mã tổ chức phải là số.")]})
    return int(value)


class Statistics(APIView):
    @extend_schema(
        parameters=[*PERIOD_PARAMS, OpenApiParameter("organization", OpenApiTypes.INT)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        params = request.query_params
        org_id = parse_organization(params.get("organization"))
        period = parse_period(params.get("date_from"), params.get("date_to"))
        organization = statistics.statistics_organization(user, org_id)
        data: dict[str, Any] = statistics.statistics(user, organization=organization, period=period)
        return Response(data)


class PeriodicReportFile(APIView):
    """Báo cáo tình hình giải quyết văn bản đến, văn bản đi (NĐ 30 Phụ lục VI) as a file."""

    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("organization", OpenApiTypes.INT),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["pdf", "xlsx"]),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> FileResponse:
        user = _user(request)
        org_id, fmt, period = _file_params(request)
        organization = statistics.statistics_organization(user, org_id)
        return output.periodic_response(user, organization, period, fmt)


def _file_params(request: Request) -> tuple[int | None, str, Period]:
    """organization, format and period of a report file; every bad one in one 400."""
    params = request.query_params
    errors: dict[str, list[str]] = {}
    org_id, fmt, period = None, "pdf", None
    try:
        org_id = parse_organization(params.get("organization"))
    except ValidationError as exc:
        errors |= exc.message_dict
    try:
        fmt = parse_format(params.get("format"))
    except ValidationError as exc:
        errors |= exc.message_dict
    try:
        period = parse_period(params.get("date_from"), params.get("date_to"))
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors or period is None:
        raise ValidationError(errors)
    return org_id, fmt, period


class ArchiveStatistics(APIView):
    """Holdings of the archive at the end of the period and its use during it: counts only."""

    @extend_schema(
        parameters=[*PERIOD_PARAMS, OpenApiParameter("organization", OpenApiTypes.INT)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        params = request.query_params
        org_id = parse_organization(params.get("organization"))
        period = parse_period(params.get("date_from"), params.get("date_to"))
        organization = statistics.statistics_organization(user, org_id)
        return Response(
            archive_stats.archive_statistics(user, organization=organization, period=period)
        )


class ArchiveStatisticsFile(APIView):
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[
            *PERIOD_PARAMS,
            OpenApiParameter("organization", OpenApiTypes.INT),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["pdf", "xlsx"]),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> FileResponse:
        user = _user(request)
        org_id, fmt, period = _file_params(request)
        organization = statistics.statistics_organization(user, org_id)
        return output.archive_response(user, organization, period, fmt)
