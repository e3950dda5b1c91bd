"""REST API for văn bản đến, văn bản đi and document reads (docs/api.md). Thin: parse, call one
service or selector, render."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.access import downloads, policy
from vanthu.access.reads import record_read
from vanthu.orgs.models import Organization, User
from vanthu.registry import keyset, selectors, sending, services
from vanthu.registry import serializers as ser
from vanthu.registry.models import Direction, Document, DocumentFile, TextStatus
from vanthu.registry.paging import DocumentCursorPagination
from vanthu.signatures.selectors import FILTERS as SIGNATURE_FILTERS


def _user(request: Request) -> User:
    return cast(User, request.user)


def _home_organization(user: User) -> Organization:
    if user.organization_id is None:
        raise serializers.ValidationError(
            {"organization": ["Tài khoản chưa thuộc tổ chức nào; không thể vào sổ."]}
        )
    # A clerk holds a position in their home organisation, and the service reads the positions
    # (with their organisations) to check the clerk's role anyway: take it from there rather
    # than by a query of its own (docs/registry.md, "Registration speed").
    for organization, _role in policy.current_positions(user):
        if organization.pk == user.organization_id:
            return organization
    return cast(Organization, user.organization)


def _audit_read(user: User, document: Document, action: str, details: dict[str, Any]) -> None:
    # architecture.md invariant 3: every read of a classified document leaves an event.
    record_read(user=user, document=document, action=action, details=details)


def _history(document: Document) -> list[dict[str, Any]]:
    # Action, time and who only: details could carry what a reader may not see.
    return [
        {"action": e.action, "time": e.created_at, "actor_name": e.actor_name}
        for e in selectors.history(document)
    ]


def _files(document: Document) -> list[DocumentFile]:
    return selectors.files_of(document)


@functools.cache
def _document_out(serializer: type[ser.DocumentBase]) -> ser.DocumentBase:
    """One instance of a document serializer per process, for one document at a time.

    A ModelSerializer builds its fields from the model on every instantiation, ten times the
    cost of rendering one document (docs/registry.md, "Registration speed"). These fields hold
    no per-request state (no context, no request, plain model fields and attributes), so the
    bound fields are built once and ``to_representation`` is called on each document.
    """
    return serializer()


def incoming_detail(document: Document, *, just_registered: bool = False) -> dict[str, Any]:
    """The detail body. ``just_registered``: the document was created in this request, so it
    has no files and no assignments yet and those two reads are skipped (docs/registry.md)."""
    files = [] if just_registered else _files(document)
    data = dict(_document_out(ser.IncomingListOut).to_representation(document))
    data["register_name"] = str(document.register) if document.register else None
    data["notes"] = document.notes
    data["source_document"] = document.source_document_id
    data["files"] = ser.FileOut(files, many=True).data if files else []
    data["text_status"] = selectors.text_status(files)
    if just_registered:
        data["assignments"] = []
    else:
        assignments = document.assignments.select_related("user")
        data["assignments"] = ser.AssignmentOut(assignments, many=True).data
    data["history"] = _history(document)
    return data


def outgoing_detail(document: Document) -> dict[str, Any]:
    files = _files(document)
    data = dict(_document_out(ser.OutgoingListOut).to_representation(document))
    data["files"] = ser.FileOut(files, many=True).data
    data["text_status"] = selectors.text_status(files)
    data["recipients"] = ser.RecipientOut(document.recipients.all(), many=True).data
    data["history"] = _history(document)
    return data


# --- the lists' signature filter (docs/signatures.md, "Lists") -----------------------------

SIGNATURE_PARAMETER = OpenApiParameter(
    "signature",
    str,
    enum=list(SIGNATURE_FILTERS),
    description=(
        "Documents by the signature check of their files: failed (a file's check failed: "
        "invalid, revoked, expired or untrusted), valid (a valid signature and none failed), "
        "unsigned (no file carries a signature: no file, no PDF, unsigned or not checked "
        "yet). Another value is 400 {signature: [...]}."
    ),
)


def _signature_filter(request: Request) -> str | None:
    value = request.query_params.get("signature")
    if value is None or value == "":
        return None
    if value not in SIGNATURE_FILTERS:
        raise serializers.ValidationError(
            {
                "signature": [
                    _("Giá trị lọc chữ ký số không hợp lệ; chọn một trong: %s.")
                    % ", ".join(SIGNATURE_FILTERS)
                ]
            }
        )
    return value


# --- văn bản đến ----------------------------------------------------------------------------


class IncomingList(generics.ListAPIView[Document]):
    serializer_class = ser.IncomingListOut
    pagination_class = DocumentCursorPagination
    keyset = keyset.INCOMING

    def get_queryset(self) -> QuerySet[Document]:
        params = self.request.query_params
        return selectors.incoming_list(
            _user(self.request),
            year=params.get("year"),
            status=params.get("status"),
            q=(params.get("q") or "").strip() or None,
            signature=_signature_filter(self.request),
        )

    @extend_schema(parameters=[SIGNATURE_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ser.IncomingIn, responses={201: ser.IncomingListOut})
    def post(self, request: Request) -> Response:
        data = ser.IncomingIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user(request)
        document = services.register_incoming(
            actor=user, organization=_home_organization(user), data=dict(data.validated_data)
        )
        # The body is built from the row just written, not re-read through the policy: its
        # registering clerk is a participant with the clearance the service checked, so it is
        # visible to them (docs/registry.md, "Registration speed").
        body = incoming_detail(selectors.just_registered(document), just_registered=True)
        # A warning, not a refusal: the clerk decides (the same letter may arrive twice).
        body["duplicates"] = selectors.possible_duplicates(user, document)
        return Response(body, status=status.HTTP_201_CREATED)


class IncomingDetail(APIView):
    @extend_schema(responses=ser.IncomingListOut)
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.get_document(_user(request), pk, Direction.INCOMING)
        _audit_read(_user(request), document, "document.view", {})
        return Response(incoming_detail(document))


class DocumentFiles(APIView):
    """POST multipart ``file`` to an incoming or outgoing document."""

    parser_classes = [MultiPartParser, FormParser]
    direction = Direction.INCOMING

    @extend_schema(request=ser.FileIn, responses={201: ser.FileOut})
    def post(self, request: Request, pk: int) -> Response:
        document = selectors.get_document(_user(request), pk, self.direction)
        data = ser.FileIn(data=request.data)
        data.is_valid(raise_exception=True)
        file = services.add_file(
            actor=_user(request), document=document, upload=data.validated_data["file"]
        )
        return Response(ser.FileOut(file).data, status=status.HTTP_201_CREATED)


class OutgoingFiles(DocumentFiles):
    direction = Direction.OUTGOING


class IncomingPresent(APIView):
    @extend_schema(request=ser.PresentIn, responses=ser.IncomingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.INCOMING)
        data = ser.PresentIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.present(actor=user, document=document, leader=data.validated_data["leader"])
        return Response(incoming_detail(selectors.get_document(user, pk)))


class IncomingAssign(APIView):
    @extend_schema(request=ser.AssignIn, responses=ser.IncomingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.INCOMING)
        data = ser.AssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.assign(
            actor=user,
            document=document,
            lead=v["lead"],
            support=v.get("support", []),
            inform=v.get("inform", []),
            deadline=v.get("deadline"),
            note=v.get("note", ""),
            deadline_working_days=v.get("deadline_working_days"),
            deadlines=data.deadlines_by_user(),
        )
        return Response(incoming_detail(selectors.get_document(user, pk)))


class IncomingComplete(APIView):
    @extend_schema(request=ser.NoteIn, responses=ser.IncomingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.INCOMING)
        data = ser.NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.complete(actor=user, document=document, note=data.validated_data.get("note", ""))
        return Response(incoming_detail(selectors.get_document(user, pk)))


class IncomingRegister(APIView):
    """Vào sổ a document delivered inside the installation (status "chờ vào sổ")."""

    @extend_schema(request=None, responses=ser.IncomingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.INCOMING)
        sending.register_delivered(actor=user, document=document)
        return Response(incoming_detail(selectors.get_document(user, pk)))


class IncomingReturn(APIView):
    @extend_schema(request=ser.ReasonIn, responses=ser.IncomingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.INCOMING)
        data = ser.ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        sending.return_delivered(
            actor=user, document=document, reason=data.validated_data.get("reason", "")
        )
        return Response(incoming_detail(selectors.get_document(user, pk)))


# --- văn bản đi -----------------------------------------------------------------------------


class OutgoingList(generics.ListAPIView[Document]):
    serializer_class = ser.OutgoingListOut
    pagination_class = DocumentCursorPagination
    keyset = keyset.OUTGOING

    def get_queryset(self) -> QuerySet[Document]:
        return selectors.outgoing_list(
            _user(self.request),
            status=self.request.query_params.get("status"),
            signature=_signature_filter(self.request),
        )

    @extend_schema(parameters=[SIGNATURE_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ser.OutgoingIn, responses={201: ser.OutgoingListOut})
    def post(self, request: Request) -> Response:
        data = ser.OutgoingIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user(request)
        values = dict(data.validated_data)
        values["recipients"] = [dict(r) for r in values.get("recipients", [])]
        document = services.create_outgoing(
            actor=user, organization=_home_organization(user), data=values
        )
        document = selectors.get_document(user, document.pk)
        return Response(outgoing_detail(document), status=status.HTTP_201_CREATED)


class OutgoingDetail(APIView):
    @extend_schema(responses=ser.OutgoingListOut)
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.get_document(_user(request), pk, Direction.OUTGOING)
        _audit_read(_user(request), document, "document.view", {})
        return Response(outgoing_detail(document))


class OutgoingIssue(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "IssueOut",
            {
                "number": serializers.IntegerField(),
                "number_symbol": serializers.CharField(),
                "issued_date": serializers.DateField(),
            },
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.OUTGOING)
        document = services.issue_outgoing(actor=user, document=document)
        return Response(
            {
                "number": document.number,
                "number_symbol": document.number_symbol,
                "issued_date": document.issued_date,
            }
        )


class OutgoingSend(APIView):
    @extend_schema(request=None, responses=ser.OutgoingListOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = selectors.get_document(user, pk, Direction.OUTGOING)
        sending.send_outgoing(actor=user, document=document)
        return Response(outgoing_detail(selectors.get_document(user, pk)))


# --- documents ------------------------------------------------------------------------------


class DocumentDetail(APIView):
    # Incoming or outgoing: the fields of IncomingListOut or OutgoingListOut (docs/api.md).
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.get_document(_user(request), pk)
        _audit_read(_user(request), document, "document.view", {})
        if document.direction == Direction.INCOMING:
            return Response(incoming_detail(document))
        return Response(outgoing_detail(document))


class DocumentText(APIView):
    @extend_schema(
        responses=inline_serializer(
            "DocumentTextOut",
            {
                "status": serializers.ChoiceField(choices=["waiting", "working", "done", "failed"]),
                "text": serializers.CharField(),
                "error": serializers.CharField(),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.get_document(_user(request), pk)
        _audit_read(_user(request), document, "document.text", {})
        files = _files(document)
        state = selectors.text_status(files)
        errors = [f"{f.original_name}: {f.text_error}" for f in files if f.text_error]
        text = "\n\n".join(f.text for f in files if f.text_status == TextStatus.DONE and f.text)
        return Response({"status": state, "text": text, "error": "\n".join(errors)})


# "%" too: some browsers percent-decode a plain filename="…", so "%2e%2e%2f" would be "../".
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;:*?<>|%]+')


def safe_filename(name: str) -> str:
    """A download name that cannot break the header or walk a path."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:200] or "tep"


class FileTamperedError(exceptions.APIException):
    # A GCM tag failed: the stored file is not what was encrypted (docs/security.md).
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = (
        "Tệp mã hóa đã bị thay đổi hoặc hỏng nên không thể giải mã. Sự việc đã được ghi "
        "nhật ký và báo cho quản trị hệ thống."
    )
    default_code = "file_tampered"


class FileDownload(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        user = _user(request)
        file = selectors.get_file(user, pk, file_id)
        # Plaintext (decrypted), watermarked for classified files, the read audited.
        try:
            out = downloads.deliver(user=user, file=file)
        except downloads.FileTampered as exc:
            raise FileTamperedError() from exc
        except DjangoPermissionDenied as exc:
            # Keep the reason (e.g. a classified format that cannot carry a watermark).
            raise exceptions.PermissionDenied(str(exc)) from exc
        return FileResponse(
            out.stream,
            as_attachment=True,
            filename=safe_filename(out.filename),
            content_type=out.content_type or "application/octet-stream",
        )
