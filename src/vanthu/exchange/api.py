"""The receiving endpoint for edXML messages from partner installations (docs/exchange.md).

Authentication: the partner's server sends ``Authorization: Token <token>`` of its service
user; a valid token of a user who is no active partner's service user is 403. The body is the
raw edXML (not JSON). A document package answers 202 with the status 01 message ("Đã đến",
NĐ 30 Điều 21: same-day acknowledgement); a status message answers 202 ``{"applied": ...}``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.exchange import edxml, safexml, services
from vanthu.exchange.models import Partner
from vanthu.orgs.models import Organization


def _partner(request: Request) -> Partner:
    partner = Partner.objects.filter(service_user=request.user.pk, active=True).first()
    if partner is None:
        raise PermissionDenied(_("Tài khoản này không phải của đối tác liên thông."))
    return partner


def _body(request: Request, partner: Partner) -> bytes:
    limit = safexml.max_bytes()
    # Read the stream ourselves: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE, and
    # reading one byte past the limit is enough to know it is exceeded.
    data = request._request.read(limit + 1)
    if len(data) > limit:
        raise services.refuse(
            action="exchange.package.refuse",
            message=_("Gói tin lớn hơn giới hạn %d MB.") % settings.VANTHU_EXCHANGE_MAX_MB,
            organization=None,
            details={"partner": partner.organ_id, "size": f"> {limit}"},
        )
    return data


class Inbox(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes: list[type] = []

    @extend_schema(
        request={"application/xml": bytes},
        responses={202: OpenApiResponse(description="edXML status 01"), 400: None, 403: None},
    )
    def post(self, request: Request) -> HttpResponse | Response:
        partner = _partner(request)
        # The signature is checked before anything else reads the message (dsig.py).
        data = services.verified(data=_body(request, partner), partner=partner)
        try:
            kind = edxml.message_kind(data)
        except edxml.EdxmlError:
            kind = "package"  # let the service refuse it, with its audit event
        if kind == "status":
            status = services.receive_status(data=data, partner=partner)
            return Response({"applied": status.applied, "code": status.code}, status=202)
        codes = self._recipients(data)
        documents = [
            services.receive_package(organization=org, data=data, partner=partner)
            for org in Organization.objects.filter(code__in=codes).order_by("pk")
        ] or [services.receive_package(organization=_nobody(), data=data, partner=partner)]
        ack = services.build_status(documents[0], "01")
        return HttpResponse(ack, status=202, content_type="application/xml; charset=utf-8")

    @staticmethod
    def _recipients(data: bytes) -> list[str]:
        try:
            return [r.organ_id for r in edxml.parse_package(data).recipients]
        except edxml.EdxmlError:
            return []


def _nobody() -> Organization:
    """No recipient of ours: an unsaved organisation, so the service refuses (and audits)."""
    return Organization(code="", name=_("(không có nơi nhận trong hệ thống)"))
