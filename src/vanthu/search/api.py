"""``GET /api/v1/search/`` (docs/api.md, "Documents, files, search")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from vanthu.core.api import Pagination
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import Organization
from vanthu.registry.models import Direction
from vanthu.search import selectors


class SearchParamsSerializer(serializers.Serializer[Any]):
    document_type = serializers.IntegerField(required=False, min_value=1)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    organization = serializers.IntegerField(required=False, min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=Pagination.max_page_size, default=50
    )

    def validate_organization(self, value: int) -> Organization:
        org = Organization.objects.filter(pk=value).first()
        if org is None:
            raise serializers.ValidationError(_("Không có tổ chức này."))
        return org

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("Đến ngày phải sau hoặc bằng từ ngày.")]}
            )
        return attrs


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="document.pk")
    direction = serializers.CharField(source="document.direction")
    number_symbol = serializers.CharField(source="document.number_symbol")
    summary = serializers.CharField(source="document.summary")
    document_type = serializers.IntegerField(source="document.document_type_id")
    organization = serializers.IntegerField(source="document.organization_id")
    issued_date = serializers.DateField(source="document.issued_date")
    secrecy = serializers.CharField(source="document.secrecy")
    status = serializers.CharField(source="document.status")
    snippet = serializers.CharField(help_text="HTML: matches in <mark>, the rest escaped")
    score = serializers.FloatField()


class SearchView(APIView):
    """Full-text search over the documents the user may see, best first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="docs/search.md"),
            SearchParamsSerializer,
        ],
        responses=inline_serializer(
            "SearchPage",
            {
                "count": serializers.IntegerField(),
                "count_exact": serializers.BooleanField(
                    help_text="false: more matches exist than were counted; show "
                    "count as a lower bound (hơn N)"
                ),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": SearchHitSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page, size = data["page"], data["page_size"]
        filters = selectors.Filters(
            document_type=data.get("document_type"),
            direction=data.get("direction"),
            organization=data.get("organization"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            secrecy=data.get("secrecy"),
        )
        result = selectors.search_documents(
            request.user,  # type: ignore[arg-type]
            request.query_params.get("q", ""),
            filters=filters,
            offset=(page - 1) * size,
            limit=size,
        )
        url = request.build_absolute_uri()
        previous = None
        if page > 1:
            previous = (
                remove_query_param(url, "page")
                if page == 2
                else replace_query_param(url, "page", page - 1)
            )
        has_next = page * size < result.count or not result.count_exact
        return Response(
            {
                "count": result.count,
                "count_exact": result.count_exact,
                "next": replace_query_param(url, "page", page + 1) if has_next else None,
                "previous": previous,
                "results": SearchHitSerializer(result.hits, many=True).data,
            }
        )
