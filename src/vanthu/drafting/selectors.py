"""Reads of the drafting app: the outgoing document a template is made from, through the
access policy (missing, incoming and invisible are the same 404)."""

from __future__ import annotations

from vanthu.orgs.models import User
from vanthu.registry.models import Direction, Document
from vanthu.registry.selectors import get_document


def outgoing_for_template(user: User, pk: int) -> Document:
    return get_document(user, pk, direction=Direction.OUTGOING)
