"""REST API of the organisation's signature (docs/signatures.md, docs/api.md "Added"). Thin:
parse, call one service, render. The document is looked up through the access policy first:
a document the user may not see is 404, before any role or input check."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.orgs.models import User
from vanthu.registry import selectors
from vanthu.registry.models import Direction

from . import serializers as ser
from .personal import require_signer, sign_personal
from .sign import Signed, certify_copy, sign_outgoing
from .uploads import keep_uploads_in_memory, read_upload


def _user(request: Request) -> User:
    return cast(User, request.user)


def _created(done: Signed) -> Response:
    return Response(ser.OrganizationSignatureOut(done.signing).data, status=status.HTTP_201_CREATED)


class OutgoingSign(APIView):
    """The office signs a file of an issued outgoing document with the organisation's key."""

    @extend_schema(request=ser.SignOutgoingIn, responses={201: ser.OrganizationSignatureOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.OUTGOING)
        data = ser.SignOutgoingIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = sign_outgoing(
            actor=user,
            document=document,
            file_id=data.validated_data.get("file"),
            attachment=data.validated_data.get("attachment"),
        )
        return _created(done)


class CertifiedCopy(APIView):
    """Sao y from paper to electronic: the digitised file signed by the organisation."""

    @extend_schema(request=ser.CertifiedCopyIn, responses={201: ser.OrganizationSignatureOut})
    def post(self, request: Request, pk: int, file_id: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk)
        data = ser.CertifiedCopyIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = certify_copy(
            actor=user, document=document, file_id=file_id, place=data.validated_data["place"]
        )
        return _created(done)


class OutgoingSignPersonal(APIView):
    """The competent person signs a draft outgoing document's PDF with their own key
    (PKCS#12 uploaded for this one signing, never stored)."""

    parser_classes = [MultiPartParser]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        keep_uploads_in_memory(request)
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(request=ser.SignPersonalIn, responses={201: ser.PersonalSignatureOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.OUTGOING)
        require_signer(user, document)  # 403 before any input is looked at
        data = ser.SignPersonalIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = sign_personal(
            actor=user,
            document=document,
            file_id=data.validated_data.get("file"),
            p12_bytes=read_upload(data.validated_data["key"]) or b"",
            passphrase=data.validated_data["passphrase"],
            image=read_upload(data.validated_data.get("image")),
        )
        return Response(ser.PersonalSignatureOut(done.signing).data, status=201)
