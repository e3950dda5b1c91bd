"""REST API of the drafting app: a template of an outgoing document (DOCX or PDF) and the
format check of an uploaded draft. Thin: parse, call one selector or checker, render."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.drafting import output, selectors
from vanthu.drafting.check.upload import check_upload
from vanthu.orgs.models import User

TEMPLATE_PARAMS = [
    OpenApiParameter(
        "layout",
        OpenApiTypes.STR,
        enum=["party", "state"],
        description="Thể thức: party (36-HD/VPTW) or state (NĐ 30/2020 Phụ lục I); "
        "by default the one the organisation's outgoing register numbers in.",
    ),
    OpenApiParameter("place", OpenApiTypes.STR, description="Địa danh (at most 100 letters)."),
]


class _AnyAccept(DefaultContentNegotiation):
    """The answer is a file whatever the client accepts; never a 406 before the 404."""

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type


class _Template(APIView):
    fmt = "pdf"
    content_negotiation_class = _AnyAccept

    def get(self, request: Request, pk: int) -> FileResponse:
        user = cast(User, request.user)
        document = selectors.outgoing_for_template(user, pk)
        options = output.parse_options(
            request.query_params.get("layout"), request.query_params.get("place")
        )
        return output.template_response(user, document, self.fmt, options)


class TemplatePdf(_Template):
    fmt = "pdf"

    @extend_schema(
        operation_id="v1_outgoing_template_pdf",
        parameters=TEMPLATE_PARAMS,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


class TemplateDocx(_Template):
    fmt = "docx"

    @extend_schema(
        operation_id="v1_outgoing_template_docx",
        parameters=TEMPLATE_PARAMS,
        responses={(200, output.CONTENT_TYPES["docx"]): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


class CheckIn(serializers.Serializer[dict[str, object]]):
    file = serializers.FileField(required=False, allow_empty_file=True)


FINDING = inline_serializer(
    "Finding",
    {
        "code": serializers.CharField(),
        "rule": serializers.CharField(),
        "message": serializers.CharField(),
        "location": serializers.CharField(),
    },
    many=True,
)


class FormatCheck(APIView):
    """POST multipart ``file`` (DOCX or PDF): the format findings, each citing its rule."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CheckIn},
        responses=inline_serializer(
            "FormatCheckOut",
            {"count": serializers.IntegerField(), "findings": FINDING},
        ),
    )
    def post(self, request: Request) -> Response:
        findings = check_upload(request.FILES.get("file"))
        return Response({"count": len(findings), "findings": [f.as_dict() for f in findings]})
