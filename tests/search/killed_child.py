"""A process that commits a change to a document and is killed before it writes the entry.

Run by test_durable_index.py: ``python -m tests.search.killed_child DB_NAME ORG USER [DOC]``.
Without DOC it registers an incoming document (``registry.services.register_incoming``);
with DOC it changes that document's summary and calls ``indexing.document_changed``. Either
way a callback registered first in the transaction prints the document id and sends the
process SIGKILL as soon as the commit is done: after the commit, before the entry's write.
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    db_name, org_pk, user_pk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    doc_pk = int(sys.argv[4]) if len(sys.argv) > 4 else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    from django.conf import settings

    # The parent's test database, not a name of our own (tests/settings.py names one per pid).
    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from django.db import transaction

    from vanthu.orgs.models import DocumentType, Organization, User
    from vanthu.registry import services
    from vanthu.registry.models import Document
    from vanthu.search import indexing

    done: list[int] = []

    def die() -> None:
        print(done[0], flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    with transaction.atomic():
        transaction.on_commit(die)  # runs first: before the entry's write
        if doc_pk is None:
            document = services.register_incoming(
                actor=User.objects.get(pk=user_pk),
                organization=Organization.objects.get(pk=org_pk),
                data={
                    "sender": "Ban Tổ chức Thành ủy",
                    "document_type": DocumentType.objects.get(code="CV"),
                    "summary": "V/v kiểm tra chỉ mục bền vững khi tiến trình dừng",
                },
            )
        else:
            document = Document.objects.select_for_update().get(pk=doc_pk)
            document.summary = "V/v sửa trích yếu khi tiến trình dừng giữa chừng"
            document.save(update_fields=["summary"])
            indexing.document_changed(document.pk)
        done.append(document.pk)
    raise SystemExit("not killed: the entry's write was reached")


if __name__ == "__main__":
    main()
