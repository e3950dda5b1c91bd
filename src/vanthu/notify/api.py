"""REST API of notifications: a user lists and marks only their own (docs/notify.md)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.notify import selectors, services
from vanthu.notify.models import EmailMode, Kind, Notification
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


class PreferenceOut(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField()
    in_app = serializers.BooleanField()
    email = serializers.ChoiceField(choices=EmailMode.choices)
    email_label = serializers.CharField()


class PreferenceIn(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=Kind.choices)
    in_app = serializers.BooleanField(required=False, default=True)
    email = serializers.ChoiceField(
        choices=EmailMode.choices, required=False, default=EmailMode.IMMEDIATE
    )


class PreferencesIn(serializers.Serializer[dict[str, Any]]):
    preferences = PreferenceIn(many=True)


class PreferencesOut(serializers.Serializer[dict[str, Any]]):
    email_enabled = serializers.BooleanField()
    preferences = PreferenceOut(many=True)


def _preferences_answer(user: User) -> Response:
    return Response(
        {
            "email_enabled": services.email_enabled(),
            "preferences": services.preferences_of(user),
        }
    )


class NotificationPreferences(APIView):
    """The caller's own choices per kind: in the app or not, e-mail none / immediate / daily.

    PUT ``{"preferences": [{"kind", "in_app", "email"}, …]}``; kinds not listed keep their
    choice. Bad input: 400 with field errors keyed by the kind (or the item's index, or
    ``preferences``), nothing stored."""

    @extend_schema(responses=PreferencesOut)
    def get(self, request: Request) -> Response:
        return _preferences_answer(_user(request))

    @extend_schema(request=PreferencesIn, responses=PreferencesOut)
    def put(self, request: Request) -> Response:
        items = request.data.get("preferences") if isinstance(request.data, dict) else None
        try:
            services.set_preferences(actor=_user(request), items=items)
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        return _preferences_answer(_user(request))
