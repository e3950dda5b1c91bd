"""The audit log: hash-chained, append-only, and verifiable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from vanthu.audit.models import Chain, Event
from vanthu.audit.services import record
from vanthu.audit.verify import verify_all, verify_chain


def _events(org: Any, n: int) -> list[Event]:
    with transaction.atomic():
        return [
            record(action="test.event", organization=org, details={"i": i, "tên": "Đảng ủy"})
            for i in range(n)
        ]


def test_events_chain_by_previous_hash(city: Any) -> None:
    events = _events(city.du1, 3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert verify_chain(f"org:{city.du1.pk}") is None


def test_each_organisation_has_its_own_chain(city: Any) -> None:
    _events(city.du1, 2)
    _events(city.du2, 2)
    assert set(Chain.objects.values_list("key", flat=True)) >= {
        f"org:{city.du1.pk}",
        f"org:{city.du2.pk}",
    }
    assert verify_all() == []


def test_record_outside_a_transaction_is_refused(db: Any) -> None:
    # pytest-django wraps each test in a transaction; use a savepoint-free connection check.
    with pytest.raises(RuntimeError):
        connection.in_atomic_block = False
        try:
            record(action="x")
        finally:
            connection.in_atomic_block = True


def test_model_refuses_update_and_delete(city: Any) -> None:
    event = _events(city.du1, 1)[0]
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_database_refuses_update(city: Any) -> None:
    event = _events(city.du1, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(action="rewritten")


def test_database_refuses_delete_on_postgresql(city: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE trigger is PostgreSQL's (SQLite: the chain detects it)")
    event = _events(city.du1, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()


def _tamper(sql: str, params: list[Any]) -> None:
    """Edit the table behind the triggers' back, as an attacker with database access would."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for its session: the chain must still tell.
            cur.execute("SET session_replication_role = replica")
            cur.execute(sql, params)
            cur.execute("SET session_replication_role = DEFAULT")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute(sql, params)
            cur.execute(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )


def test_verify_finds_edited_event(city: Any) -> None:
    events = _events(city.du1, 4)
    _tamper("UPDATE audit_event SET details = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    broken = verify_chain(f"org:{city.du1.pk}")
    assert broken is not None and broken.seq == 3
    assert "sửa" in broken.reason


def test_verify_finds_removed_event(city: Any) -> None:
    events = _events(city.du1, 4)
    _tamper("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    broken = verify_chain(f"org:{city.du1.pk}")
    assert broken is not None and broken.seq == 2


def test_verify_finds_truncated_tail(city: Any) -> None:
    events = _events(city.du1, 3)
    _tamper("DELETE FROM audit_event WHERE id = %s", [events[2].pk])
    broken = verify_chain(f"org:{city.du1.pk}")
    assert broken is not None and "đầu chuỗi" in broken.reason


def test_verify_command_exit_codes(city: Any, capsys: Any) -> None:
    events = _events(city.du1, 2)
    call_command("verify", "--only", "audit")
    assert "toàn vẹn" in capsys.readouterr().out
    _tamper("UPDATE audit_event SET action = %s WHERE id = %s", ["x", events[0].pk])
    with pytest.raises(CommandError) as err:
        call_command("verify", "--only", "audit")
    assert err.value.returncode == 1
    assert "NHẬT KÝ HỎNG" in capsys.readouterr().err


def test_events_never_store_object_titles(city: Any, make_user: Any) -> None:
    from vanthu.orgs import services

    admin = make_user(organization=city.tu, roles=["admin"])
    org = services.create_organization(
        actor=admin, code="BM", name="Tên bí mật", symbol="X", kind="agency", parent=city.tu
    )
    event = Event.objects.get(action="org.create", object_id=str(org.pk))
    assert event.object_type == "orgs.organization"
    assert "Tên bí mật" not in str(event.details)
    assert event.actor_name == admin.full_name
