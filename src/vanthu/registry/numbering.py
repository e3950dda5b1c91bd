"""Choosing the register and taking the next number (architecture.md invariant 1).

A number is only ever taken inside the transaction that stores what carries it (a document, a
reservation), from the counter row, locked by the ``UPDATE … RETURNING`` that adds one to it
(``_take_next``) until that transaction ends. A rolled-back registration therefore returns
nothing to the sequence, because nothing left it. On SQLite the IMMEDIATE transaction mode
(settings.py) takes the write lock at BEGIN, which serialises writers.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Role, Secrecy
from vanthu.guide.rules import cite
from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.orgs.services import current_term
from vanthu.registry.models import (
    ALL_TYPES,
    CopyCounter,
    Counter,
    Direction,
    NumberEvent,
    Register,
)


def series_for(secrecy: str) -> str:
    # NĐ 30 Điều 15, Luật BVBMNN: văn bản mật have a separate number system.
    return Register.Series.ORDINARY if secrecy == Secrecy.NONE else Register.Series.CLASSIFIED


def default_register(*, organization: Organization, direction: str, series: str) -> Register:
    """The organisation's default register, created on demand with the rules' defaults."""
    found = Register.objects.filter(
        organization=organization, direction=direction, series=series, is_default=True
    ).first()
    if found is not None:
        return found
    classified = series == Register.Series.CLASSIFIED
    if direction == Direction.INCOMING:
        # NĐ 30 Điều 22: số đến runs per calendar year, one sequence for all types.
        scope, period, fmt = Register.Scope.ALL_TYPES, Register.Period.YEAR, "state"
        name = _("Sổ đăng ký văn bản đến mật") if classified else _("Sổ đăng ký văn bản đến")
    else:
        # 36-HD/VPTW II.1.3.1 (domain.md §2.3): Party documents per type within the term.
        scope, period, fmt = Register.Scope.PER_TYPE, Register.Period.TERM, "party"
        name = _("Sổ đăng ký văn bản đi mật") if classified else _("Sổ đăng ký văn bản đi")
    register, _created = Register.objects.get_or_create(
        organization=organization,
        direction=direction,
        series=series,
        is_default=True,
        defaults={"scope": scope, "period": period, "symbol_format": fmt, "name": name},
    )
    return register


def period_key(register: Register, on: datetime.date) -> str:
    if register.period == Register.Period.YEAR:
        return str(on.year)
    if register.period == Register.Period.TERM:
        # domain.md §2.3: the cấp ủy's term; an organisation with no recorded term numbers
        # from its creation.
        term = current_term(register.organization, on)
        return f"term:{term.pk}" if term is not None else "term:none"
    # A congress register: one sequence shared by all types for the congress (domain.md §2.3).
    return "congress"


def type_key(register: Register, document_type: DocumentType) -> int:
    return document_type.pk if register.scope == Register.Scope.PER_TYPE else ALL_TYPES


def check_open(register: Register, key: str) -> None:
    if register.is_closed_for(key):
        raise ValidationError(
            {
                "register": [
                    cite(
                        "dong-so",
                        _("Sổ “%s” đã khóa cho kỳ này; không thể vào sổ thêm.") % register,
                    )
                ]
            }
        )


@dataclass(frozen=True)
class Allocation:
    register: Register
    period_key: str
    type_key: int
    number: int


def allocate(*, register: Register, document_type: DocumentType, on: datetime.date) -> Allocation:
    """The next number of the sequence; call inside the transaction that stores its user."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken only inside the registration's transaction")
    key = period_key(register, on)
    check_open(register, key)
    tkey = type_key(register, document_type)
    # One statement in the usual case; the first number of a period creates the row (the
    # unique constraint settles a race between two first registrations), then takes it.
    number = _take_next(register.pk, key, tkey)
    if number is None:
        Counter.objects.get_or_create(
            register=register,
            period_key=key,
            type_key=tkey,
            defaults={"document_type": document_type if tkey != ALL_TYPES else None},
        )
        number = _take_next(register.pk, key, tkey)
        if number is None:  # the row was created or found just above: never
            raise RuntimeError(f"no counter row for {register.pk} {key} {tkey}")
    return Allocation(register=register, period_key=key, type_key=tkey, number=number)


def _take_next(register_id: int, key: str, tkey: int) -> int | None:
    """Add one to the counter row and return its new value, or None if there is no row yet.

    ``UPDATE … RETURNING`` locks the row until the transaction ends, as ``SELECT … FOR UPDATE``
    did, and reads and writes it in one statement instead of two (PostgreSQL; SQLite ≥ 3.35,
    whose IMMEDIATE transactions hold the write lock from BEGIN). A concurrent registration
    waits for the lock and then adds one to the committed value: no gap, no duplicate.
    """
    return _add_one(
        Counter._meta.db_table, {"register_id": register_id, "period_key": key, "type_key": tkey}
    )


def _add_one(table: str, where: Mapping[str, int | str]) -> int | None:
    """``UPDATE table SET last_number = last_number + 1 WHERE … RETURNING last_number``: the
    one statement every gapless counter of the project is taken with (``_take_next``)."""
    condition = " AND ".join(f"{connection.ops.quote_name(column)} = %s" for column in where)
    sql = (
        f"UPDATE {connection.ops.quote_name(table)} "  # noqa: S608 (our own names)
        f"SET last_number = last_number + 1 WHERE {condition} RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(where.values()))
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def next_copy_number(*, organization: Organization, year: int) -> int:
    """The next number of the organisation's copies in ``year`` (``CopyCounter``), for every
    kind of copy: call inside the transaction that stores the copy, as ``allocate``.

    NĐ 30 Phụ lục I Phần II.1c: one sequence for all copies, from 01 on 1 January."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("copy numbers are taken only inside the copy's transaction")
    where = {"organization_id": organization.pk, "year": year}
    number = _add_one(CopyCounter._meta.db_table, where)
    if number is None:
        CopyCounter.objects.get_or_create(organization=organization, year=year)
        number = _add_one(CopyCounter._meta.db_table, where)
        if number is None:  # the row was created or found just above: never
            raise RuntimeError(f"no copy counter for {organization.pk} {year}")
    return number


def peek_copy_number(*, organization: Organization, year: int) -> int:
    """The number the next copy will most likely take, read without a lock (to draw it on a
    copy before signing; the copy's transaction takes the real one and compares)."""
    last = (
        CopyCounter.objects.filter(organization=organization, year=year)
        .values_list("last_number", flat=True)
        .first()
    )
    return (last or 0) + 1


def format_number(
    register: Register, number: int, document_type: DocumentType, issuer: Organization
) -> str:
    """``05-NQ/TU`` (Party, domain.md §2.3) or ``05/QĐ-UBND`` (state, NĐ 30 Phụ lục I)."""
    # NĐ 30 Phụ lục I, 36-HD/VPTW: numbers below 10 are written with a leading zero.
    if register.symbol_format == Register.SymbolFormat.STATE:
        return f"{number:02d}/{document_type.symbol_part}-{issuer.symbol}"
    return f"{number:02d}-{document_type.symbol_part}/{issuer.symbol}"


def _check_clerk(actor: User, organization: Organization) -> None:
    roles = policy.roles_in(actor, organization)
    if not actor.is_superuser and not roles & {Role.CLERK, Role.ADMIN}:
        raise PermissionDenied(_("Chỉ văn thư của tổ chức mới được lấy hoặc hủy số."))


@transaction.atomic
def reserve_number(
    *,
    actor: User,
    register: Register,
    document_type: DocumentType,
    reason: str,
    on: datetime.date | None = None,
) -> NumberEvent:
    """Lấy số trước: take the next number now, as an explicit, audited entry."""
    _check_clerk(actor, register.organization)
    if not reason.strip():
        raise ValidationError({"reason": [cite("so-di-nam", _("Phải ghi lý do lấy số trước."))]})
    alloc = allocate(register=register, document_type=document_type, on=on or timezone.localdate())
    event = NumberEvent.objects.create(
        register=register,
        period_key=alloc.period_key,
        type_key=alloc.type_key,
        document_type=document_type,
        number=alloc.number,
        kind=NumberEvent.Kind.RESERVED,
        reason=reason.strip(),
        actor=actor,
    )
    record(
        action="registry.number.reserve",
        actor=actor,
        organization=register.organization,
        obj=event,
        details={"register": register.pk, "period": alloc.period_key, "number": alloc.number},
    )
    return event


@transaction.atomic
def cancel_number(*, actor: User, reservation: NumberEvent, reason: str) -> NumberEvent:
    """Hủy số: a reserved number that will not be used stays in the register as cancelled."""
    event = NumberEvent.objects.select_for_update().get(pk=reservation.pk)
    _check_clerk(actor, event.register.organization)
    if event.kind != NumberEvent.Kind.RESERVED:
        raise ValidationError(
            {"number": [cite("so-di-nam", _("Chỉ hủy được số đã lấy trước và chưa dùng."))]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [cite("so-di-nam", _("Phải ghi lý do hủy số."))]})
    event.kind = NumberEvent.Kind.CANCELLED
    event.reason = f"{event.reason} — {_('hủy')}: {reason.strip()}"
    event.save(update_fields=["kind", "reason"])
    record(
        action="registry.number.cancel",
        actor=actor,
        organization=event.register.organization,
        obj=event,
        details={"number": event.number, "period": event.period_key},
    )
    return event
