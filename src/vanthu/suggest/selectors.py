"""Reads: the suggestions for one incoming document or one dossier, for the acting user.

The document or dossier is fetched through the access policy (404 when the user may not see
it). The model only knows the organisation's non-classified history (``history``), and every
candidate is checked again now: a leader must still lead the organisation, a person must still
work there with enough clearance for this document, a dossier must be open and visible to the
user. Examples named in an explanation are filtered through the policy too.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.core.enums import Role, Secrecy
from vanthu.core.workdays import add_working_days
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, DossierDocument, FilePlanHeading, RetentionCode
from vanthu.records.selectors import get_dossier
from vanthu.registry.models import Direction, Document, Status
from vanthu.registry.selectors import get_document, visible_documents
from vanthu.suggest import history, services
from vanthu.suggest.learning import TARGETS, Prediction
from vanthu.suggest.models import TrainedModel

TOP = 3
# Record keepers who may file a document in a dossier (records.services.common).
RECORD_KEEPERS = {Role.CLERK, Role.ARCHIVIST, Role.LEADER, Role.ADMIN}


def min_confidence() -> float:
    """A suggestion is shown (and accepted with one key) only at this confidence or above."""
    default = os.environ.get("VANTHU_SUGGEST_MIN_CONFIDENCE", "0.7")
    return float(getattr(settings, "VANTHU_SUGGEST_MIN_CONFIDENCE", default))


@dataclass
class Option:
    value: str
    label: str
    score: float


@dataclass
class Suggestion:
    target: str
    shown: bool = False
    confidence: float = 0.0
    options: list[Option] = field(default_factory=list)
    explanation: str = ""
    examples: list[int] = field(default_factory=list)
    # The objects behind the first option, for accepting it.
    user: User | None = None
    users: list[User] = field(default_factory=list)
    date: datetime.date | None = None
    dossier: Dossier | None = None

    @property
    def value(self) -> str:
        return self.options[0].value if self.options else ""

    @property
    def label(self) -> str:
        if self.target == "support" and self.users:
            return ", ".join(str(u) for u in self.users)
        return self.options[0].label if self.options else ""


@dataclass
class Result:
    document: Document
    model: TrainedModel | None
    suggestions: dict[str, Suggestion]
    applicable: list[str]
    threshold: float


def _users(ids: list[str]) -> dict[str, User]:
    pks = [int(i) for i in ids if i.isdigit()]
    return {str(u.pk): u for u in User.objects.filter(pk__in=pks, is_active=True)}


def _cleared(user: User, document: Document) -> bool:
    return Secrecy.rank(user.clearance) >= Secrecy.rank(document.secrecy)


def _works_in(user: User, org: Organization) -> bool:
    return Organization.objects.filter(policy.organization_scope(user), pk=org.pk).exists()


def _because(p: Prediction, count: int, what: str) -> str:
    """ "14/15 văn bản tương tự (nhiều nhất từ Ban Tổ chức Trung ương) đã …"."""
    source = _(" (nhiều nhất từ %s)") % p.sender if p.sender else ""
    return _("Vì %(n)d/%(m)d văn bản tương tự%(source)s %(what)s.") % {
        "n": count,
        "m": p.voters,
        "source": source,
        "what": what,
    }


def _people(p: Prediction, document: Document, *, leaders: bool) -> list[tuple[User, float, int]]:
    candidates = [v for v in p.ranked[: TOP * 3]]
    users = _users([v.label for v in candidates])
    org = document.organization
    out = []
    for v in candidates:
        u = users.get(v.label)
        if u is None or not _cleared(u, document):
            continue
        if leaders and not policy.leads(u, org):
            continue
        if not leaders and not _works_in(u, org):
            continue
        out.append((u, v.score, v.count))
    return out


def _fill_person(s: Suggestion, p: Prediction, document: Document, threshold: float) -> None:
    people = _people(p, document, leaders=s.target == "leader")
    if not people or p.weight <= 0:
        return
    s.options = [Option(str(u.pk), str(u), score / p.weight) for u, score, _n in people[:TOP]]
    s.confidence = s.options[0].score
    s.user = people[0][0]
    s.shown = s.confidence >= threshold
    verb = (
        _("đã được trình đồng chí %s") if s.target == "leader" else _("do đồng chí %s chủ trì")
    ) % s.user
    s.explanation = _because(p, people[0][2], verb)


def _fill_support(s: Suggestion, p: Prediction, document: Document, threshold: float) -> None:
    people = _people(p, document, leaders=False)
    if not people or p.weight <= 0:
        return
    s.options = [Option(str(u.pk), str(u), score / p.weight) for u, score, _n in people[:TOP]]
    chosen = [(u, n) for u, score, n in people[:TOP] if score / p.weight >= threshold]
    s.users = [u for u, _n in chosen]
    s.confidence = s.options[0].score
    s.shown = bool(chosen)
    if chosen:
        s.explanation = _because(p, chosen[0][1], _("có đồng chí %s phối hợp") % chosen[0][0])


def _fill_deadline(s: Suggestion, p: Prediction, threshold: float) -> None:
    today = timezone.localdate()
    options = []
    for v in p.ranked[:TOP]:
        if not v.label.isdigit() or p.weight <= 0:
            continue
        days = int(v.label)
        when = add_working_days(today, days)
        label = _("%(d)s ngày làm việc (đến %(date)s)") % {
            "d": days,
            "date": when.strftime("%d/%m/%Y"),
        }
        options.append((Option(when.isoformat(), label, v.score / p.weight), when, days, v.count))
    if not options:
        return
    s.options = [o for o, *_rest in options]
    s.confidence = s.options[0].score
    s.date = options[0][1]
    s.shown = s.confidence >= threshold
    s.explanation = _because(p, options[0][3], _("có hạn %s ngày làm việc") % options[0][2])


def _dossier_for(user: User, document: Document, key: str) -> Dossier | None:
    kind, _sep, code = key.partition(":")
    qs = Dossier.objects.filter(organization=document.organization, status=Dossier.Status.OPEN)
    qs = qs.filter(plan_item__code=code) if kind == "item" else qs.filter(code=code)
    year = timezone.localdate().year
    return (
        policy.visible(user, qs.select_related("plan_item"))
        .filter(year__lte=year)
        .order_by("-year", "pk")
        .first()
    )


def _fill_dossier(
    s: Suggestion, p: Prediction, user: User, document: Document, threshold: float
) -> None:
    if p.weight <= 0:
        return
    found: list[tuple[Dossier, float, int]] = []
    for v in p.ranked[: TOP * 2]:
        dossier = _dossier_for(user, document, v.label)
        if dossier is not None and all(d.pk != dossier.pk for d, *_r in found):
            found.append((dossier, v.score, v.count))
    if not found:
        return
    s.options = [
        Option(str(d.pk), f"{d.code} {d.title}", score / p.weight) for d, score, _n in found
    ]
    s.options = s.options[:TOP]
    s.confidence = s.options[0].score
    s.dossier = found[0][0]
    s.shown = s.confidence >= threshold
    s.explanation = _because(p, found[0][2], _("được lập vào hồ sơ %s") % s.options[0].label)


def _applicable(user: User, document: Document, s: dict[str, Suggestion]) -> list[str]:
    org = document.organization
    roles = policy.roles_in(user, org)
    out = []
    is_clerk = user.is_superuser or bool(roles & {Role.CLERK, Role.ADMIN})
    waiting = document.status in (Status.NEW, Status.AWAITING_DIRECTION)
    leader = s["leader"]
    same = leader.user is not None and document.directed_by_id == leader.user.pk
    if leader.shown and is_clerk and waiting and not same:
        out.append("leader")
    if (
        s["lead"].shown
        and policy.leads(user, org)
        and waiting
        and not document.assignments.exists()
    ):
        out.append("assign")
    keeper = user.is_superuser or bool(roles & RECORD_KEEPERS) or policy.leads(user, org)
    filed = DossierDocument.objects.filter(document=document, is_original=True).exists()
    if s["dossier"].shown and keeper and not filed:
        out.append("dossier")
    return out


def incoming_suggestions(user: User, pk: int) -> Result:
    """The suggestions for incoming document ``pk`` (404 when ``user`` may not see it)."""
    document = get_document(user, pk, Direction.INCOMING)
    threshold = min_confidence()
    suggestions = {t: Suggestion(target=t) for t in TARGETS}
    loaded = services.load(document.organization_id)
    trained, model = (loaded[0], loaded[1].incoming) if loaded else (None, None)
    if model is None:
        return Result(document, trained, suggestions, [], threshold)
    # The document is checked visible above; its files are seen through it.
    head = history.document_text([document.pk]).get(document.pk, "")
    text = history.document_features(document, head)
    predictions = model.predict(text, TARGETS, exclude=document.pk)
    _fill_person(suggestions["leader"], predictions["leader"], document, threshold)
    _fill_person(suggestions["lead"], predictions["lead"], document, threshold)
    _fill_support(suggestions["support"], predictions["support"], document, threshold)
    _fill_deadline(suggestions["deadline"], predictions["deadline"], threshold)
    _fill_dossier(suggestions["dossier"], predictions["dossier"], user, document, threshold)
    # Examples are named only when the user may see them (they always may: the model holds
    # non-classified documents of this organisation; the check keeps that true by design).
    wanted = {t: predictions[t].examples[:5] for t in TARGETS}
    allowed = set(
        visible_documents(
            user, Document.objects.filter(pk__in=[i for ids in wanted.values() for i in ids])
        ).values_list("pk", flat=True)
    )
    for t in TARGETS:
        suggestions[t].examples = [i for i in wanted[t] if i in allowed]
    return Result(
        document, trained, suggestions, _applicable(user, document, suggestions), threshold
    )


def dossier_suggestions(user: User, pk: int) -> dict[str, Any]:
    """File-plan heading and retention for dossier ``pk``, learned from the organisation's
    dossiers opened from its file plans (404 when ``user`` may not see the dossier)."""
    dossier = get_dossier(user, pk)
    threshold = min_confidence()
    out: dict[str, Any] = {"dossier": dossier.pk, "model": None, "min_confidence": threshold}
    loaded = services.load(dossier.organization_id)
    model = loaded[1].dossiers if loaded else None
    if loaded is None or model is None:
        out["suggestions"] = {}
        return out
    out["model"] = loaded[0]
    text = history.features(sender="", document_type="", summary=dossier.title)
    predictions = model.predict(text, services.DOSSIER_TARGETS, exclude=dossier.pk)
    headings = {
        h.title: h
        for h in FilePlanHeading.objects.filter(
            plan__organization=dossier.organization, plan__year=dossier.year
        )
    }
    result: dict[str, Any] = {}
    for target, p in predictions.items():
        options = []
        for v in p.ranked[:TOP]:
            if p.weight <= 0:
                break
            if target == "heading":
                h = headings.get(v.label)
                value: Any = {"title": v.label, "heading": h.pk if h else None}
                label = v.label
            else:
                code, _sep, years = v.label.partition(":")
                value = {"retention_code": code, "retention_years": int(years) if years else None}
                label = str(RetentionCode(code).label) if code in RetentionCode.values else code
            options.append({"value": value, "text": label, "score": round(v.score / p.weight, 3)})
        confidence = options[0]["score"] if options else 0.0
        result[target] = {
            "shown": bool(options) and confidence >= threshold,
            "confidence": confidence,
            "top": options,
            "explanation": _because(p, p.ranked[0].count, _("thuộc “%s”") % options[0]["text"])
            if options
            else "",
        }
    out["suggestions"] = result
    return out
