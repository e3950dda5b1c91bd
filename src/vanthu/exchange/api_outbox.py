"""The outbox for admins: the dead-letter list and re-sending (docs/exchange.md, "Hộp thư đi").

Lists never carry the payload (style.md: lists never serialize full content). A message of an
organisation the admin does not administer is 404; a user who administers nothing is 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import policy
from vanthu.exchange import outbox, selectors
from vanthu.exchange.models import OutboxMessage


class OutboxMessageSerializer(serializers.ModelSerializer[OutboxMessage]):
    partner = serializers.CharField(source="partner.organ_id")
    partner_name = serializers.CharField(source="partner.name")

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "organization",
            "partner",
            "partner_name",
            "document",
            "kind",
            "edxml_id",
            "business_type",
            "status_code",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


def _require_admin(request: Request) -> None:
    if not policy.is_admin(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Chỉ quản trị viên xem được hộp thư đi liên thông."))


class OutboxList(generics.ListAPIView[OutboxMessage]):
    serializer_class = OutboxMessageSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=[s.value for s in OutboxMessage.State])]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        _require_admin(self.request)
        status = self.request.query_params.get("status") or None
        if status is not None and status not in OutboxMessage.State.values:
            raise ValidationError({"status": [_("Trạng thái “%s” không hợp lệ.") % status]})
        return selectors.outbox_for(self.request.user, status=status)  # type: ignore[arg-type]


class OutboxResend(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OutboxMessageSerializer})
    def post(self, request: Request, pk: int) -> Response:
        _require_admin(request)
        message = selectors.outbox_message_or_404(request.user, pk)  # type: ignore[arg-type]
        message = outbox.resend(actor=request.user, message=message)  # type: ignore[arg-type]
        return Response(OutboxMessageSerializer(message).data)
