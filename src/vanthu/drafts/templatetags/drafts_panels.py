"""The drafts panels of the outgoing and incoming detail pages: one include line each in the
registry's templates, the context computed here from the drafts selectors."""

from __future__ import annotations

from typing import Any

from django import template

from vanthu.access.policy import roles_in
from vanthu.access.reads import leads
from vanthu.core.enums import Role
from vanthu.drafts import notes, selectors, services
from vanthu.drafts.models import InitialRole, Verdict
from vanthu.registry.models import Document, Status

register = template.Library()


def _common(user: Any, doc: Document) -> dict[str, Any]:
    note = selectors.status_note(doc)
    return {
        "doc": doc,
        "status_note": note,
        "status_note_label": notes.label(note),
        "relations": selectors.relations(user, doc),
    }


@register.inclusion_tag("drafts/_outgoing_panel.html", takes_context=True)
def outgoing_panel(context: template.Context, doc: Document) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    data = _common(user, doc)
    is_draft = doc.status == Status.DRAFT
    is_clerk = user.is_superuser or Role.CLERK in roles_in(user, doc.organization)
    may_initial = services.may_initial_as(user, doc) if is_draft else []
    data.update(
        {
            "request": request,
            "csrf_token": context.get("csrf_token"),
            "is_draft": is_draft,
            "workflow": selectors.workflow(doc),
            "verdicts": Verdict.choices,
            "initial_roles": [(r, InitialRole(r).label) for r in may_initial],
            "may_approve": is_draft and leads(user, doc.organization),
            "may_relate": not is_draft and is_clerk and data["status_note"] != "recalled",
        }
    )
    return data


@register.inclusion_tag("drafts/_incoming_panel.html", takes_context=True)
def incoming_panel(context: template.Context, doc: Document) -> dict[str, Any]:
    return _common(context["request"].user, doc)


@register.filter
def initial_label(role: str) -> str:
    return str(InitialRole(role).label)
