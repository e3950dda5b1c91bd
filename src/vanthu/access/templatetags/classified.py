"""The "Mật" panel of a document page: protection period, numbered copies, hand-overs."""

from __future__ import annotations

from typing import Any

from django import template

from vanthu.access import policy
from vanthu.access.classified import authority, selectors
from vanthu.access.classified.periods import period_of
from vanthu.access.forms import CopiesForm, DeclassifyForm, DowngradeForm, ExtendForm, HandoverForm
from vanthu.access.models import DocumentCopy
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
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
    if not show or not isinstance(user, User):
        return {"show": False}
    copies = list(selectors.copies_of(document))
    issued = sum(1 for c in copies if c.kind == DocumentCopy.Kind.ISSUED)
    handovers = list(selectors.handovers_of(document))
    classified = document.secrecy != Secrecy.NONE
    can_decide = classified and authority.may_decide_protection(user, document.organization)
    keeps_register = classified and authority.keeps_register(user, document.organization)
    people = selectors.people_of(document)
    out: dict[str, Any] = {
        "show": True,
        "doc": document,
        "period": period_of(document),
        "decisions": decisions,
        "copies": [(c, selectors.copy_label(c, issued)) for c in copies],
        "handovers": handovers,
        "to_confirm": [h for h in handovers if h.to_user_id == user.pk and not h.confirmed_at],
        "can_decide": can_decide,
        "keeps_register": keeps_register,
        # Any reader of a classified document may record handing it over (the service checks
        # the receiver).
        "can_hand_over": classified,
        "csrf_token": context.get("csrf_token"),
    }
    if can_decide:
        out["extend_form"] = ExtendForm()
        out["declassify_form"] = DeclassifyForm()
        if Secrecy.rank(document.secrecy) > Secrecy.rank(Secrecy.CONFIDENTIAL):
            out["downgrade_form"] = DowngradeForm()
    if keeps_register:
        out["copies_form"] = CopiesForm(people=people)
    if classified:
        out["handover_form"] = HandoverForm(
            people=people, copies=DocumentCopy.objects.filter(document=document)
        )
    return out
