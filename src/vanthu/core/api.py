"""API conventions shared by every app (docs/api.md, "Conventions")."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from vanthu.core.blobstore import STORAGE_UNAVAILABLE, BlobStoreUnavailable

log = logging.getLogger("vanthu.storage")


class StorageUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = STORAGE_UNAVAILABLE
    default_code = "storage_unavailable"


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError raised by services as field errors."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, BlobStoreUnavailable):
        # The detail (endpoint, bucket) goes to the log for the administrators, not to users.
        log.error("%s", exc)
        exc = StorageUnavailable()
    elif isinstance(exc, OverflowError | DataError):
        # A number past what the database holds (an id of 2**70, 10**30 days) is bad input,
        # not a server fault: SQLite raises OverflowError, PostgreSQL "out of range".
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("Giá trị vượt quá giới hạn cho phép.")]}
        )
    return drf_exception_handler(exc, context)


def _detail_schema(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                }
            }
        },
    }


# docs/api.md "Conventions": the error answers every endpoint may give. drf-spectacular lists
# only the success answers, so a client (or schemathesis) reading the schema would take a
# documented 400/401/403/404 for a contract violation.
_ERROR_RESPONSES: dict[str, dict[str, Any]] = {
    "400": {
        "description": "Dữ liệu không hợp lệ: {field: [messages]}",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": {
                        "oneOf": [
                            {"type": "array", "items": {}},
                            {"type": "string"},
                            {"type": "object"},
                        ]
                    },
                }
            }
        },
    },
    "401": _detail_schema("Chưa đăng nhập hoặc token không hợp lệ"),
    "403": _detail_schema("Không có quyền thực hiện thao tác này"),
    "404": _detail_schema("Không tìm thấy, hoặc người dùng không được xem"),
    "413": _detail_schema("Dữ liệu gửi lên quá lớn"),
    "415": _detail_schema("Kiểu nội dung không được hỗ trợ"),
    "429": _detail_schema("Quá nhiều yêu cầu; hãy thử lại sau"),
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: declare the convention error answers everywhere."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, response in _ERROR_RESPONSES.items():
                operation["responses"].setdefault(code, response)
    return result
