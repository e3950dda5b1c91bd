"""The replica router in process (the real standby is in test_replica.py): writes and migrations
always on ``default``; ``alias()`` names the replica only when one is configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import router

from tests.factories import OrganizationFactory
from vanthu.core import replica


def test_without_a_replica_every_read_is_on_default(settings: Any) -> None:
    assert "replica" not in settings.DATABASES
    assert not replica.enabled()
    assert replica.alias() == "default"


def test_with_a_replica_configured_lag_tolerant_reads_name_it(settings: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    assert replica.enabled()
    assert replica.alias() == "replica"


@pytest.mark.django_db
def test_an_object_read_from_the_replica_is_saved_on_the_primary() -> None:
    org = OrganizationFactory()
    org._state.db = "replica"  # as if loaded by a search on the replica
    # Django's own default would write back where the object came from.
    assert router.db_for_write(type(org), instance=org) == "default"
    assert router.db_for_read(type(org), instance=org) == "replica"
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_relation(org, OrganizationFactory()) is True
