"""Make the fault stack its own exchange partner (docs/exchange.md), for the delivery test.

The committee ``TU`` (tests/faults/seed.py) sends to ``BTGTU``, a second organisation of the
same installation that is reached only as a partner: a name-only recipient, so the registry's
internal delivery does not apply and the package goes through the outbox, the ``exchange``
worker, HTTP and the stack's own inbox. Two partner rows, as two installations would hold:
``BTGTU`` (where TU's outbox posts, with the token of TU's service account) and ``TU`` (who
``BTGTU``'s inbox accepts packages from). No certificates: messages travel unsigned.

Run as a child with the stack's settings: ``python tests/faults/partners.py INBOX_URL``;
prints one JSON object (the receiving organisation's id and the partner's name).
"""

from __future__ import annotations

import json
import secrets
import sys

import django

django.setup()

from rest_framework.authtoken.models import Token  # noqa: E402

from vanthu.core.enums import OrgKind  # noqa: E402
from vanthu.exchange.models import Partner  # noqa: E402
from vanthu.orgs import services  # noqa: E402
from vanthu.orgs.models import Organization, User  # noqa: E402

RECEIVER_NAME = "Ban Tuyên giáo Thành ủy Hà Tiên (liên thông)"

inbox = sys.argv[1]
admin = User.objects.get(username="quantri")
tu = Organization.objects.get(code="TU")
btg = services.create_organization(
    actor=admin,
    code="BTGTU",
    name="Ban Tuyên giáo Thành ủy Hà Tiên",
    symbol="BTGTU",
    kind=OrgKind.AGENCY,
    parent=tu,
)
accounts = {}
for username, org in (("lienthong.tu", tu), ("lienthong.btg", btg)):
    user = services.create_user(
        actor=admin,
        username=username,
        password=secrets.token_urlsafe(16),
        full_name=f"Tài khoản liên thông {org.code}",
        organization=org,
        roles=[],  # a service account: it only posts to the inbox
    )
    accounts[org.code] = (user, Token.objects.create(user=user).key)
# Who BTGTU is to TU: TU's outbox posts there with the token "BTGTU's installation" issued.
Partner.objects.create(
    organ_id="BTGTU",
    name=RECEIVER_NAME,
    endpoint_url=inbox,
    service_user=accounts["BTGTU"][0],
    token=accounts["TU"][1],
)
# Who TU is to BTGTU: its inbox accepts TU's packages from TU's service account.
Partner.objects.create(
    organ_id="TU",
    name="Thành ủy Hà Tiên (liên thông)",
    endpoint_url=inbox,
    service_user=accounts["TU"][0],
    token=accounts["BTGTU"][1],
)
print(json.dumps({"receiver": btg.pk, "partner_name": RECEIVER_NAME}))
