"""REST API of preservation (docs/preservation.md): the fixity problem list for admins."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from vanthu.orgs.models import User
from vanthu.preservation import selectors
from vanthu.preservation.models import FixityCheck, Outcome
from vanthu.preservation.package import PackageError
from vanthu.preservation.tt02 import FORMATS, export_lists


class FixityCheckSerializer(serializers.ModelSerializer[FixityCheck]):
    class Meta:
        model = FixityCheck
        fields = ["sha256", "outcome", "checked_at"]
        read_only_fields = fields


@extend_schema(parameters=[OpenApiParameter("outcome", str, enum=[Outcome.FAIL, Outcome.MISSING])])
class FixityProblemList(generics.ListAPIView[FixityCheck]):
    serializer_class = FixityCheckSerializer

    def get_queryset(self) -> QuerySet[FixityCheck]:
        outcome = self.request.query_params.get("outcome") or None
        return selectors.fixity_problems(cast(User, self.request.user), outcome=outcome)


_TT02_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml",
}


@extend_schema(
    parameters=[
        OpenApiParameter("dossier", int, many=True, required=True),
        OpenApiParameter("output", str, enum=list(FORMATS)),
    ],
    responses={(200, "application/octet-stream"): bytes},
)
class Tt02Export(APIView):
    """The TT 02/2019 lists of the dossiers the user may see (a hidden one is 404)."""

    def get(self, request: Request) -> FileResponse:
        # Not "format": DRF reads that one as a renderer override.
        fmt = request.query_params.get("output") or "xlsx"
        errors: dict[str, list[str]] = {}
        if fmt not in FORMATS:
            errors["output"] = ["Chỉ xlsx hoặc xml."]
        raw = request.query_params.getlist("dossier")
        if not raw or not all(v.isdigit() for v in raw):
            errors["dossier"] = ["Cần ít nhất một mã hồ sơ (số)."]
        if errors:
            raise ValidationError(errors)
        folder = Path(tempfile.mkdtemp(prefix="tt02-"))
        out = folder / f"danh-muc-tt02.{fmt}"
        try:
            export_lists(
                actor=cast(User, request.user), dossier_ids=[int(v) for v in raw], out=out, fmt=fmt
            )
        except PackageError as exc:
            raise ValidationError({"dossier": exc.problems}) from exc
        handle = out.open("rb")
        out.unlink()  # the open handle keeps the bytes until the response is sent
        folder.rmdir()
        return FileResponse(
            handle, as_attachment=True, filename=out.name, content_type=_TT02_TYPES[fmt]
        )
