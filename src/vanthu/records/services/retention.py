"""Loading an organisation's own retention table (domain.md §6: tables are data, not code)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.orgs.models import Organization, User
from vanthu.records.models import RetentionRule, RetentionSchedule
from vanthu.records.services.common import Errors, clean_retention, leads

TITLE_MAX = RetentionRule._meta.get_field("title").max_length or 1000


def _years(raw: object) -> object:
    """A CSV cell as a number of years: blank is none, digits are an int, the rest stays bad."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return raw


@transaction.atomic
def load_retention_schedule(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    rows: Iterable[Mapping[str, object]],
    source: str = "",
    organization: Organization | None = None,
    is_sample: bool = False,
) -> RetentionSchedule:
    """Create or replace a retention table from rows of ``group, reference, title,
    retention_code, retention_years, notes``. One bad row and nothing is stored."""
    if actor is not None and organization is not None and not leads(actor, organization):
        raise PermissionDenied(_("Chỉ lãnh đạo mới được ban hành bảng thời hạn bảo quản."))
    errors: Errors = {}
    if not code.strip():
        errors["code"] = [_("Mã bảng không được để trống.")]
    if not name.strip():
        errors["name"] = [_("Tên bảng không được để trống.")]
    if kind not in RetentionSchedule.Kind.values:
        errors["kind"] = [_("Loại bảng không hợp lệ: %s.") % kind]
    rules: list[RetentionRule] = []
    row_errors: list[str] = []
    for n, row in enumerate(rows, start=1):
        title = str(row.get("title") or "").strip()
        found: Errors = {}
        if not title or len(title) > TITLE_MAX:
            found["title"] = [_("tên nhóm hồ sơ trống hoặc quá dài")]
        rcode, years = clean_retention(
            str(row.get("retention_code") or "").strip() or None,
            _years(row.get("retention_years")),
            found,
        )
        if found:
            detail = "; ".join(m for ms in found.values() for m in ms)
            row_errors.append(_("Dòng %(n)s: %(d)s") % {"n": n, "d": detail})
            continue
        rules.append(
            RetentionRule(
                position=n,
                reference=str(row.get("reference") or "").strip()[:30],
                group=str(row.get("group") or "").strip()[:300],
                title=title,
                retention_code=rcode,
                retention_years=years,
                notes=str(row.get("notes") or "").strip(),
            )
        )
    if row_errors:
        errors["rows"] = row_errors
    elif not rules:
        errors["rows"] = [_("Bảng không có dòng nào.")]
    if errors:
        raise ValidationError(errors)
    schedule, created = RetentionSchedule.objects.update_or_create(
        code=code.strip(),
        defaults={
            "name": name.strip(),
            "kind": kind,
            "source": source.strip(),
            "organization": organization,
            "is_sample": is_sample,
        },
    )
    # Plan items keep their own copy of the period, so replacing the rows changes no plan.
    schedule.rules.all().delete()
    for rule in rules:
        rule.schedule = schedule
    RetentionRule.objects.bulk_create(rules)
    record(
        action="records.retention.load",
        actor=actor,
        organization=organization,
        obj=schedule,
        details={"code": schedule.code, "rows": len(rules), "replaced": not created},
    )
    return schedule
