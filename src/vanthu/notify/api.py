"""REST API of notifications: a user lists and marks only their own (docs/notify.md)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.notify import selectors, services
from vanthu.notify.models import Notification
from vanthu.orgs.models import User


def _user(request: Request) -> User:
    return cast(User, request.user)


class NotificationOut(serializers.ModelSerializer[Notification]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "text",
            "link",
            "document",
            "created_at",
            "read_at",
            "is_read",
        ]


class NotificationList(generics.ListAPIView[Notification]):
    serializer_class = NotificationOut

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="true: only unread notifications"
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Notification]:
        unread = (self.request.query_params.get("unread") or "").lower() in ("1", "true")
        return selectors.notifications_of(_user(self.request), unread=unread)


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request: Request, pk: int) -> Response:
        note = services.mark_read(actor=_user(request), notification_id=pk)
        return Response(NotificationOut(note).data)


class NotificationReadAll(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAllOut", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(actor=_user(request))})
