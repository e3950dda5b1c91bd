"""The least a fault or replica test needs, much faster than ``vanthu demo``: one committee and
its clerk ``vanthu`` (password of tests/production/stack.py), through the services.

Run as a child with the production settings: ``python tests/faults/seed.py``.
"""

from __future__ import annotations

import secrets

import django

django.setup()

from vanthu.core.enums import OrgKind, Role  # noqa: E402
from vanthu.orgs import services  # noqa: E402
from vanthu.orgs.models import User  # noqa: E402

PASSWORD = "Demo-Vanthu-2026!"  # tests.production.stack.PASSWORD (not imported: no test deps)

admin = User.objects.create_superuser(username="quantri", password=secrets.token_urlsafe(16))
org = services.create_organization(
    actor=admin,
    code="TU",
    name="Thành ủy Hà Tiên",
    symbol="TU",
    kind=OrgKind.COMMITTEE,
    parent=None,
)
services.create_user(
    actor=admin,
    username="vanthu",
    password=PASSWORD,
    full_name="Nguyễn Thị Văn Thư",
    organization=org,
    roles=[Role.CLERK],
)
print("seeded")
