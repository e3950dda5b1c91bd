"""The "Mật" panel of a document page: protection period, numbered copies, hand-overs."""

from __future__ import annotations

from typing import Any

from django import template

from vanthu.access import policy
from vanthu.access.classified import selectors
from vanthu.access.classified.periods import period_of
from vanthu.access.models import DocumentCopy
from vanthu.core.enums import Secrecy
from vanthu.registry.models import Document

register = template.Library()


@register.inclusion_tag("access/_classified_panel_body.html", takes_context=True)
def classified_panel(context: dict[str, Any], document: Document) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    decisions = list(selectors.decisions_of(document)) if document.pk else []
    show = (
        user is not None
        and user.is_authenticated
        and (document.secrecy != Secrecy.NONE or bool(decisions))
        # The page already checked this; asked again so the panel never relies on its caller.
        and policy.can_view(user, document)
    )
    if not show:
        return {"show": False}
    copies = list(selectors.copies_of(document))
    issued = sum(1 for c in copies if c.kind == DocumentCopy.Kind.ISSUED)
    return {
        "show": True,
        "period": period_of(document),
        "decisions": decisions,
        "copies": [(c, selectors.copy_label(c, issued)) for c in copies],
        "handovers": list(selectors.handovers_of(document)),
    }
