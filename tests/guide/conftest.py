"""Fixtures of the guide tests: the registry pages' people and registration helper."""

from __future__ import annotations

from tests.registry_ui.conftest import client_for, people, register

__all__ = ["client_for", "people", "register"]
