"""REST API of drafts and relations (docs/drafts.md, docs/api.md "Added"). Thin: parse, call one
service or selector, render. Every path first gets the document through the access policy: a
document the user may not see is 404, on reads and writes alike."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import downloads
from vanthu.access.reads import record_read
from vanthu.drafts import selectors, services
from vanthu.drafts import serializers as ser
from vanthu.drafts.files import as_file
from vanthu.orgs.models import User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.api import FileTamperedError, safe_filename
from vanthu.registry.models import Document


def _user(request: Request) -> User:
    return cast(User, request.user)


def _workflow(document: Document) -> dict[str, Any]:
    return dict(ser.WorkflowOut(selectors.workflow(document)).data)


class Versions(APIView):
    """GET the draft's versions, reviews, initials and approval; POST a new version."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ser.WorkflowOut)
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.outgoing_or_404(_user(request), pk)
        record_read(user=_user(request), document=document, action="document.view", details={})
        return Response(_workflow(document))

    @extend_schema(request=ser.VersionIn, responses={201: ser.VersionOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.VersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.add_version(
            actor=user,
            document=document,
            upload=data.validated_data["file"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(ser.VersionOut(version).data, status=status.HTTP_201_CREATED)


class VersionDownload(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        user = _user(request)
        version = selectors.version_or_404(user, pk, file_id)
        try:
            out = downloads.deliver(user=user, file=as_file(version))
        except downloads.FileTampered as exc:
            raise FileTamperedError() from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return FileResponse(
            out.stream,
            as_attachment=True,
            filename=safe_filename(out.filename),
            content_type=out.content_type or "application/octet-stream",
        )


class Reviews(APIView):
    @extend_schema(responses=ser.ReviewOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.outgoing_or_404(_user(request), pk)
        return Response(ser.ReviewOut(selectors.reviews(document), many=True).data)

    @extend_schema(request=ser.ReviewIn, responses={201: ser.ReviewOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.add_review(
            actor=user,
            document=document,
            verdict=data.validated_data["verdict"],
            opinion=data.validated_data["opinion"],
        )
        return Response(ser.ReviewOut(review).data, status=status.HTTP_201_CREATED)


class InitialView(APIView):
    @extend_schema(request=ser.InitialIn, responses={201: ser.InitialOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.InitialIn(data=request.data)
        data.is_valid(raise_exception=True)
        mark = services.initial(actor=user, document=document, role=data.validated_data["role"])
        return Response(ser.InitialOut(mark).data, status=status.HTTP_201_CREATED)


class Approve(APIView):
    @extend_schema(request=ser.ApproveIn, responses={201: ser.ApprovalOut})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.ApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.approve(
            actor=user, document=document, comment=data.validated_data.get("comment", "")
        )
        return Response(ser.ApprovalOut(approval).data, status=status.HTTP_201_CREATED)


def _by(user: User, pk: int) -> Document:
    try:
        return registry_selectors.get_document(user, pk)
    except Http404 as exc:
        # A document the user may not see is named like one that does not exist.
        raise exceptions.ValidationError({"by": [f"Không có văn bản mã số {pk}."]}) from exc


class _Relate(APIView):
    action = "replace"

    @extend_schema(request=ser.ByIn, responses={201: ser.RelationOut(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.ByIn(data=request.data)
        data.is_valid(raise_exception=True)
        by = _by(user, data.validated_data["by"])
        act = services.replace if self.action == "replace" else services.correct
        act(actor=user, document=document, by=by, reason=data.validated_data.get("reason", ""))
        return _relations_response(user, pk, status.HTTP_201_CREATED)


class Replace(_Relate):
    action = "replace"


class Correct(_Relate):
    action = "correct"


class Recall(APIView):
    @extend_schema(request=ser.RecallIn, responses={201: ser.RelationOut(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.outgoing_or_404(user, pk)
        data = ser.RecallIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.recall(actor=user, document=document, reason=data.validated_data["reason"])
        return _relations_response(user, pk, status.HTTP_201_CREATED)


def _relations_response(user: User, pk: int, code: int = status.HTTP_200_OK) -> Response:
    document = registry_selectors.get_document(user, pk)
    views = selectors.relations(user, document)
    return Response(ser.relation_data(document, views), status=code)


class Relations(APIView):
    @extend_schema(responses=ser.RelationOut(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return _relations_response(_user(request), pk)


class Notices(generics.ListAPIView[Document]):
    """Văn bản đến recalled, replaced, corrected or updated by their issuer (last 30 days)."""

    serializer_class = ser.NoticeOut

    def get_queryset(self) -> QuerySet[Document]:
        return selectors.notices(_user(self.request))
