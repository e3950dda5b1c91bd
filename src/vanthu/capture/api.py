"""REST API of the capture app: scan batches, the "chờ vào sổ" queue, page images."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.orgs.models import Organization, User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Document

from . import batches, pages, registration, selectors
from .models import ScanBatch, ScanItem

MAX_ROWS = 500


def _user(request: Request) -> User:
    return cast(User, request.user)


class ScanBatchSerializer(serializers.ModelSerializer[ScanBatch]):
    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScanBatch
        fields = [
            "id",
            "organization",
            "label",
            "source",
            "split",
            "status",
            "paused",
            "pages_total",
            "pages_done",
            "percent",
            "created_at",
            "started_at",
            "finished_at",
        ]


def pending_scan_data(document: Document) -> dict[str, Any]:
    """A queue row: never the full text (style.md: lists never serialise text)."""
    first = next(iter(document.files.all()), None)
    # The reverse one-to-one from ScanItem, selected by selectors.pending_scans.
    item: ScanItem = document.scan_item
    return {
        "id": document.pk,
        "organization": document.organization.code,
        "source_name": item.source_name,
        "batch": item.batch_id,
        "page_count": document.page_count,
        "file_id": first.pk if first else None,
        "text_status": first.text_status if first else None,
        "suggested_fields": first.suggested_fields if first else {},
        "quality_flags": first.quality_flags if first else [],
    }


class ScanBatchList(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ScanBatchSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.batches(_user(request))[:200]
        return Response(ScanBatchSerializer(rows, many=True).data)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: ScanBatchSerializer})
    def post(self, request: Request) -> Response:
        user = _user(request)
        code = request.data.get("organization") or ""
        org = Organization.objects.filter(code=code).first()
        if org is None and user.organization_id and not code:
            org = user.organization
        if org is None:
            raise ValidationError({"organization": ["Không có tổ chức này."]})
        batch = batches.start_upload_batch(
            actor=user,
            organization=org,
            uploads=request.FILES.getlist("files"),
            split=request.data.get("split") or ScanBatch.Split.FILE,
            label=request.data.get("label") or "",
        )
        return Response(ScanBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class ScanBatchPause(APIView):
    paused = True

    @extend_schema(request=None, responses=ScanBatchSerializer)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        batch = selectors.get_batch(user, pk)
        batch = batches.set_paused(actor=user, batch=batch, paused=self.paused)
        return Response(ScanBatchSerializer(batch).data)


class ScanBatchResume(ScanBatchPause):
    paused = False


class PendingScanList(APIView):
    # A plain list of queue rows (at most 500), not a paginated object.
    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request: Request) -> Response:
        rows = selectors.pending_scans(_user(request))[:500]
        return Response([pending_scan_data(d) for d in rows])


def _png(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    # Page images may be of classified files: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


class FilePage(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, file_id: int, page: int) -> HttpResponse:
        user = _user(request)
        file = registry_selectors.get_file(user, pk, file_id)
        width = pages.parse_width(request.query_params.get("width"), pages.PAGE_WIDTH)
        return _png(pages.page_png(user=user, file=file, page=page, width=width))


class FileThumbnail(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, file_id: int) -> HttpResponse:
        user = _user(request)
        file = registry_selectors.get_file(user, pk, file_id)
        width = pages.parse_width(request.query_params.get("width"), pages.THUMBNAIL_WIDTH)
        return _png(pages.page_png(user=user, file=file, page=1, width=width))


class ScanItemRegister(APIView):
    """Register many queue items at once; each in its own transaction (issue 12)."""

    @extend_schema(
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    def post(self, request: Request) -> Response:
        rows = request.data
        if isinstance(rows, dict) and isinstance(rows.get("items"), list):
            rows = rows["items"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValidationError({"items": ["Phải gửi một danh sách các dòng (đối tượng JSON)."]})
        if not rows:
            raise ValidationError({"items": ["Danh sách rỗng."]})
        if len(rows) > MAX_ROWS:
            raise ValidationError({"items": [f"Mỗi lần vào sổ tối đa {MAX_ROWS} dòng."]})
        return Response(registration.register_many(actor=_user(request), rows=rows))


class ScanAccuracy(APIView):
    """Per field, the share of registered scans whose suggested value was kept unchanged."""

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request: Request) -> Response:
        return Response(registration.accuracy(_user(request)))
