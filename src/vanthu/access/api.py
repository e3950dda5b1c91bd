"""REST API of the access module: a document's access log and its need-to-know grants.

Thin views (docs/security.md): the document is looked up through the registry selector (404
for what the user may not see), the rest is ``access.reads`` and ``access.services``.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import reads, services
from vanthu.access.models import Grant
from vanthu.core.api import Pagination
from vanthu.orgs.models import User
from vanthu.registry import selectors
from vanthu.registry.models import Document


def _user(request: Request) -> User:
    return cast(User, request.user)


def _document_for_leader(user: User, pk: int) -> Document:
    """The document, if ``user`` may see it and leads its organisation; else 404.

    The log and the grants say who reads a document: a user who does not lead its
    organisation gets the same answer as for a document that does not exist."""
    document = selectors.get_document(user, pk)
    if not reads.leads(user, document.organization):
        raise Http404
    return document


class AccessEventOut(serializers.Serializer[Any]):
    time = serializers.DateTimeField(source="created_at")
    actor_name = serializers.CharField()
    action = serializers.CharField()


class GrantIn(serializers.Serializer[Any]):
    grantee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class GrantOut(serializers.ModelSerializer[Grant]):
    grantee_name = serializers.CharField(source="grantee.full_name", read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "grantee",
            "grantee_name",
            "reason",
            "created_at",
            "expires_at",
            "revoked_at",
            "granted_by",
        ]


class DocumentAccessLog(APIView):
    """GET: who touched the document and when (leaders of its organisation only)."""

    pagination_class = Pagination

    @extend_schema(responses=AccessEventOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = _document_for_leader(_user(request), pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(reads.access_log(document), request, view=self)
        return paginator.get_paginated_response(AccessEventOut(page, many=True).data)


def _grants_of(document: Document) -> Any:
    return (
        Grant.objects.filter(
            content_type=ContentType.objects.get_for_model(Document), object_id=document.pk
        )
        .select_related("grantee")
        .order_by("-created_at", "-pk")
    )


class DocumentGrants(APIView):
    pagination_class = Pagination

    @extend_schema(responses=GrantOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = _document_for_leader(_user(request), pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(_grants_of(document), request, view=self)
        return paginator.get_paginated_response(GrantOut(page, many=True).data)

    @extend_schema(request=GrantIn, responses={201: GrantOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk)
        data = GrantIn(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.grant_access(
            actor=user,
            obj=document,
            grantee=data.validated_data["grantee"],
            reason=data.validated_data["reason"],
            expires_at=data.validated_data.get("expires_at"),
        )
        return Response(GrantOut(grant).data, status=status.HTTP_201_CREATED)


class DocumentGrantDetail(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int, grant_id: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk)
        grant = _grants_of(document).filter(pk=grant_id).first()
        if grant is None:
            raise Http404
        services.revoke_access(actor=user, grant=grant)
        return Response(status=status.HTTP_204_NO_CONTENT)
