"""``POST dossiers/{id}/documents/bulk/``: file many documents at once (docs/records.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.records import selectors
from vanthu.records.api import DossierSerializer, EntrySerializer, acting_user
from vanthu.records.services.bulk import MAX_BULK, BulkFilingError, add_documents


class BulkRequestSerializer(serializers.Serializer[Any]):
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=MAX_BULK
    )
    is_original = serializers.BooleanField(default=True)


class BulkResultSerializer(serializers.Serializer[Any]):
    dossier = DossierSerializer()
    results = EntrySerializer(many=True)


class DossierDocumentsBulk(APIView):
    @extend_schema(request=BulkRequestSerializer, responses={201: BulkResultSerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        dossier = selectors.get_dossier(actor, pk)
        ser = BulkRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            entries = add_documents(
                actor=actor,
                dossier=dossier,
                document_ids=ser.validated_data["documents"],
                is_original=ser.validated_data["is_original"],
            )
        except BulkFilingError as exc:
            # Per document, keyed by its id: {"documents": {"12": ["…"]}}; nothing was stored.
            raise ApiValidationError(
                {"documents": {str(k): v for k, v in exc.problems.items()}}
            ) from exc
        dossier = selectors.get_dossier(actor, pk)
        return Response(
            {
                "dossier": DossierSerializer(dossier).data,
                "results": EntrySerializer(entries, many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )
