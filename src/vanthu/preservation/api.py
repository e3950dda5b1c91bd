"""REST API of preservation (docs/preservation.md): the fixity problem list for admins."""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from vanthu.orgs.models import User
from vanthu.preservation import selectors
from vanthu.preservation.models import FixityCheck, Outcome


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
