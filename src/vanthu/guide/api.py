"""REST API of saved filters: ``GET/POST /api/v1/saved-filters/``, ``DELETE …/{id}/``.

Only the owner's filters exist for a user: another user's id answers 404, like a missing one.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.guide import selectors, services
from vanthu.guide.models import SavedFilter
from vanthu.orgs.models import User


def _user(request: Request) -> User:
    return cast(User, request.user)


class SavedFilterIn(serializers.Serializer[Any]):
    page = serializers.ChoiceField(choices=[(p, p) for p in services.FILTER_PAGES])
    name = serializers.CharField(max_length=services.NAME_MAX)
    query = serializers.CharField(max_length=services.QUERY_MAX, allow_blank=True)


class SavedFilterOut(serializers.ModelSerializer[SavedFilter]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SavedFilter
        fields = ["id", "page", "name", "query", "url", "created_at"]

    def get_url(self, obj: SavedFilter) -> str:
        """The list page with the filter applied (relative address)."""
        return f"{reverse(obj.page)}?{obj.query}"


class SavedFilterList(APIView):
    """GET: my saved filters (optionally of one page); POST: save one."""

    @extend_schema(
        parameters=[OpenApiParameter("page", str, required=False)],
        responses=SavedFilterOut(many=True),
    )
    def get(self, request: Request) -> Response:
        page = request.query_params.get("page") or None
        qs = selectors.my_saved_filters(_user(request), page)
        return Response(SavedFilterOut(qs, many=True).data)

    @extend_schema(request=SavedFilterIn, responses={201: SavedFilterOut})
    def post(self, request: Request) -> Response:
        data = SavedFilterIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = services.save_filter(user=_user(request), **data.validated_data)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        return Response(SavedFilterOut(saved).data, status=status.HTTP_201_CREATED)


class SavedFilterDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_filter(user=_user(request), pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
