"""The records tests' office, reused: the archive works on its closed dossiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.records.conftest import Office
from vanthu.orgs.models import User


@pytest.fixture
def office(city: Any, make_user: Callable[..., User]) -> Office:
    return Office(city, make_user)
