"""REST API of the suggestions (docs/api.md, "Added beyond the stable core"). Thin."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.orgs.models import User
from vanthu.registry.models import Direction
from vanthu.registry.selectors import get_document
from vanthu.suggest import selectors, services
from vanthu.suggest.learning import TARGETS


def _user(request: Request) -> User:
    return cast(User, request.user)


class OptionOut(serializers.Serializer[Any]):
    value = serializers.CharField()
    text = serializers.CharField()
    score = serializers.FloatField()


class SuggestionOut(serializers.Serializer[Any]):
    shown = serializers.BooleanField(help_text="confident enough to be shown and accepted")
    confidence = serializers.FloatField()
    value = serializers.CharField(
        help_text="user id (leader, lead), ISO date (deadline) or dossier id"
    )
    values = serializers.ListField(child=serializers.CharField(), help_text="support: user ids")
    text = serializers.CharField()
    top = OptionOut(many=True)
    explanation = serializers.CharField()
    examples = serializers.ListField(child=serializers.IntegerField())


class ModelOut(serializers.Serializer[Any]):
    trained_at = serializers.DateTimeField()
    incoming_examples = serializers.IntegerField()
    dossier_examples = serializers.IntegerField()


class IncomingSuggestionsOut(serializers.Serializer[Any]):
    document = serializers.IntegerField()
    model = ModelOut(allow_null=True)
    min_confidence = serializers.FloatField()
    suggestions = serializers.DictField(child=SuggestionOut())
    applicable = serializers.ListField(
        child=serializers.CharField(),
        help_text="what this user may accept now: leader (trình), assign (bút phê), dossier",
    )


class AcceptIn(serializers.Serializer[Any]):
    targets = serializers.ListField(
        child=serializers.ChoiceField(choices=services.ACCEPTABLE), allow_empty=False
    )


class AcceptOut(serializers.Serializer[Any]):
    applied = serializers.ListField(child=serializers.CharField())


def incoming_out(result: selectors.Result) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target in TARGETS:
        s = result.suggestions[target]
        out[target] = {
            "shown": s.shown,
            "confidence": round(s.confidence, 3),
            "value": s.value,
            "values": [str(u.pk) for u in s.users],
            "text": s.label,
            "top": [
                {"value": o.value, "text": o.label, "score": round(o.score, 3)} for o in s.options
            ],
            "explanation": s.explanation,
            "examples": s.examples,
        }
    model = result.model
    return {
        "document": result.document.pk,
        "model": ModelOut(model).data if model is not None else None,
        "min_confidence": result.threshold,
        "suggestions": out,
        "applicable": result.applicable,
    }


class IncomingSuggestions(APIView):
    @extend_schema(responses=IncomingSuggestionsOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(incoming_out(selectors.incoming_suggestions(_user(request), pk)))


class IncomingSuggestionsAccept(APIView):
    @extend_schema(request=AcceptIn, responses=AcceptOut)
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        document = get_document(user, pk, Direction.INCOMING)
        data = AcceptIn(data=request.data)
        data.is_valid(raise_exception=True)
        applied = services.accept(
            actor=user, document=document, targets=data.validated_data["targets"]
        )
        return Response({"applied": applied})


class DossierOptionOut(serializers.Serializer[Any]):
    value = serializers.DictField()
    text = serializers.CharField()
    score = serializers.FloatField()


class DossierSuggestionOut(serializers.Serializer[Any]):
    shown = serializers.BooleanField()
    confidence = serializers.FloatField()
    top = DossierOptionOut(many=True)
    explanation = serializers.CharField()


class DossierSuggestionsOut(serializers.Serializer[Any]):
    dossier = serializers.IntegerField()
    model = ModelOut(allow_null=True)
    min_confidence = serializers.FloatField()
    suggestions = serializers.DictField(
        child=DossierSuggestionOut(), help_text="heading (đề mục), retention (thời hạn bảo quản)"
    )


class DossierSuggestions(APIView):
    @extend_schema(responses=DossierSuggestionsOut)
    def get(self, request: Request, pk: int) -> Response:
        data = selectors.dossier_suggestions(_user(request), pk)
        model = data["model"]
        data["model"] = ModelOut(model).data if model is not None else None
        return Response(data)
