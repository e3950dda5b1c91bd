"""Shared fixtures and the two-database test plan.

The suite runs twice: on SQLite (everything) and on PostgreSQL (only tests that touch the
database and are not marked ``once``). When both passes run (scripts/run-tests), the heavy
tests that need no particular database and start services of their own are marked
``postgres_pass`` and run in the PostgreSQL pass instead, so that the two passes, which run at
the same time, take about as long. ``VANTHU_TEST_POSTGRES=1`` / ``VANTHU_TEST_REDIS=1`` turn
a missing PostgreSQL or Redis from a skip into a failure (CI sets both).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import OrganizationFactory, UserFactory


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _in_this_pass(item: pytest.Item, backend: str, split: bool) -> bool:
    """SQLite pass: every test, but those marked ``postgres_pass`` when the two passes share the
    work (``VANTHU_TEST_SPLIT=1``, set by scripts/run-tests when both run). PostgreSQL pass:
    the database tests not marked ``once``, and with the split the ``postgres_pass`` tests."""
    moved = split and item.get_closest_marker("postgres_pass") is not None
    if backend != "postgres":
        return not moved
    uses_db = "django_db_setup" in getattr(item, "fixturenames", ())
    return moved or (uses_db and not item.get_closest_marker("once"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backend = os.environ.get("VANTHU_TEST_BACKEND", "sqlite")
    split = os.environ.get("VANTHU_TEST_SPLIT") == "1"
    keep, drop = [], []
    for item in items:
        (keep if _in_this_pass(item, backend, split) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("redis") and not _answers("127.0.0.1", 6379):
        if os.environ.get("VANTHU_TEST_REDIS") == "1":
            pytest.fail("Redis is required (VANTHU_TEST_REDIS=1) but 127.0.0.1:6379 is down")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


# The data migrations that load reference data (document types, sample retention tables).
_REFERENCE_LOADERS = (
    ("vanthu.orgs.migrations.0002_document_types", "orgs", "DocumentType"),
    ("vanthu.records.migrations.0002_retention_samples", "records", "RetentionSchedule"),
)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Put back what the data migrations load when a test that really committed has flushed it
    away, so that every database test starts with it (a flush keeps no migration data)."""
    if "django_db_setup" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    with request.getfixturevalue("django_db_blocker").unblock():
        for module, app_label, model in _REFERENCE_LOADERS:
            if not apps.get_model(app_label, model).objects.exists():
                importlib.import_module(module).load(apps, None)


def pytest_report_header(config: pytest.Config) -> str:
    return f"vanthu test backend: {os.environ.get('VANTHU_TEST_BACKEND', 'sqlite')}"


@pytest.fixture
def make_org(db: Any) -> Callable[..., Any]:
    return OrganizationFactory.create


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    return UserFactory.create


@pytest.fixture
def city(db: Any) -> Any:
    """A small city hierarchy: TU with VPTU and two subordinate committees with a cell each."""
    tu = OrganizationFactory(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    vp = OrganizationFactory(
        code="VPTU", name="Văn phòng Thành ủy", symbol="VPTU", kind="agency", parent=tu
    )
    du1 = OrganizationFactory(
        code="DU1", name="Đảng ủy phường Bến Nghé", symbol="ĐU", kind="committee", parent=tu
    )
    du2 = OrganizationFactory(
        code="DU2", name="Đảng ủy phường Sài Gòn", symbol="ĐU", kind="committee", parent=tu
    )
    cb1 = OrganizationFactory(
        code="CB1", name="Chi bộ khu phố 1", symbol="CB", kind="grassroots", parent=du1
    )
    return type("City", (), {"tu": tu, "vp": vp, "du1": du1, "du2": du2, "cb1": cb1})
