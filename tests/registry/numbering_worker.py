"""A separate process registering incoming documents against the test database.

Run by test_concurrency.py: ``python -m tests.registry.numbering_worker DB_NAME ORG USER N``.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    db_name, org_pk, user_pk, count = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    from django.conf import settings

    # The parent's test database, not a name of our own (tests/settings.py names one per pid).
    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from vanthu.orgs.models import DocumentType, Organization, User
    from vanthu.registry import services

    org = Organization.objects.get(pk=org_pk)
    user = User.objects.get(pk=user_pk)
    cv = DocumentType.objects.get(code="CV")
    for i in range(count):
        services.register_incoming(
            actor=user,
            organization=org,
            data={"sender": "UBND", "document_type": cv, "summary": f"P{os.getpid()}-{i}"},
        )


if __name__ == "__main__":
    main()
