"""Drive one Vanthu installation from outside (``python -m tests.exchange.peer ACTION JSON``,
or ``--serve`` for one action a line on stdin).

The two-installation test and the exchange benchmark run this in a child process with that
installation's environment (its own database and data folder), so each side is touched only
through its own services, as its own clerks would. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections import Counter
from typing import Any


def _setup(args: dict[str, Any]) -> dict[str, Any]:
    from rest_framework.authtoken.models import Token

    from vanthu.exchange.models import Partner
    from vanthu.orgs.models import Organization, Position, User

    org = Organization.objects.create(
        code=args["code"], name=args["name"], symbol=args["symbol"], kind="committee"
    )
    org.path = Organization.segment(org.pk)
    Organization.objects.filter(pk=org.pk).update(path=org.path, depth=0)
    clerk = User.objects.create_user(username="vanthu", password="x", organization=org)
    Position.objects.create(user=clerk, organization=org, role="clerk")
    service = User.objects.create_user(username="lienthong", password="x", organization=org)
    Token.objects.create(user=service, key=args["inbound"])
    Partner.objects.create(
        organ_id=args["partner_code"],
        name=args["partner_name"],
        endpoint_url=args["endpoint"],
        service_user=service,
        token=args["outbound"],
        certificate_pem=args.get("certificate", ""),
    )
    return {"organization": org.pk}


def _send(args: dict[str, Any]) -> dict[str, Any]:
    from vanthu.exchange import outbox
    from vanthu.exchange.models import Partner
    from vanthu.orgs.models import DocumentType, User
    from vanthu.registry import services

    clerk = User.objects.get(username="vanthu")
    partner = Partner.objects.get()
    cv = DocumentType.objects.get(code="CV")
    sent = []
    for i in range(args["count"]):
        doc = services.create_outgoing(
            actor=clerk,
            organization=clerk.organization,
            data={
                "document_type": cv,
                "summary": f"{args['prefix']} số {i + 1}: V/v phối hợp triển khai nghị quyết",
                "signer": "Nguyễn Văn Ấn",
                "recipients": [{"name": partner.name}],
            },
        )
        doc = services.issue_outgoing(actor=clerk, document=doc)
        outbox.send_to_partners(doc, actor=clerk)
        # Pressed twice (a clerk's double click): still one message per partner.
        outbox.send_to_partners(doc, actor=clerk)
        sent.append(doc.pk)
    return {"sent": sent}


def _feedback(args: dict[str, Any]) -> dict[str, Any]:
    """Registration, assignment, processing, completion; the first one is returned instead."""
    from vanthu.exchange import outbox
    from vanthu.exchange.models import ReceivedPackage

    told = 0
    for i, received in enumerate(ReceivedPackage.objects.order_by("pk")):
        if i == 0:
            outbox.status_changed(received.document, "02", "Không thuộc thẩm quyền giải quyết")
            told += 1
            continue
        for code in ("03", "04", "05", "06"):
            outbox.status_changed(received.document, code)
            told += 1
    return {"told": told}


def _report(args: dict[str, Any]) -> dict[str, Any]:
    from vanthu.exchange.models import OutboxMessage, ReceivedPackage, ReceivedStatus
    from vanthu.registry.models import Document

    incoming = Document.objects.filter(direction="incoming")
    statuses: dict[str, list[str]] = {}
    for s in ReceivedStatus.objects.select_related("document").order_by("code"):
        statuses.setdefault(s.document.summary, []).append(s.code)
    recipients = Counter(
        r.recipients.get().status for r in Document.objects.filter(direction="outgoing")
    )
    return {
        "received": sorted(ReceivedPackage.objects.values_list("edxml_id", flat=True)),
        "incoming": sorted(incoming.values_list("summary", flat=True)),
        "outbox": dict(Counter(OutboxMessage.objects.values_list("status", flat=True))),
        "attempts": max(OutboxMessage.objects.values_list("attempts", flat=True), default=0),
        "attempts_total": sum(OutboxMessage.objects.values_list("attempts", flat=True)),
        "errors": [m.last_error[:200] for m in OutboxMessage.objects.exclude(last_error="")][:3],
        "signed": sum(
            b"<ds:Signature" in bytes(p)
            for p in OutboxMessage.objects.values_list("payload", flat=True)
        ),
        "statuses": statuses,
        "recipients": dict(recipients),
    }


def _progress(args: dict[str, Any]) -> dict[str, Any]:
    """The outbox's counts only: cheap enough to poll while a thousand messages are queued."""
    from vanthu.exchange.models import OutboxMessage

    return {"outbox": dict(Counter(OutboxMessage.objects.values_list("status", flat=True)))}


def _deliveries(args: dict[str, Any]) -> dict[str, Any]:
    """Per package sent: DocumentId, seconds from queued to the partner's 202, attempts; the
    statuses received back (code → how many, and how many applied)."""
    from vanthu.exchange.models import OutboxMessage, ReceivedStatus

    packages = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.PACKAGE)
    sent = [
        {
            "id": edxml_id,
            "latency": (sent_at - created_at).total_seconds() if sent_at else None,
            "attempts": attempts,
        }
        for edxml_id, created_at, sent_at, attempts in packages.values_list(
            "edxml_id", "created_at", "sent_at", "attempts"
        )
    ]
    codes = Counter(ReceivedStatus.objects.values_list("code", flat=True))
    applied = Counter(ReceivedStatus.objects.filter(applied=True).values_list("code", flat=True))
    return {"sent": sent, "statuses": dict(codes), "applied": dict(applied)}


ACTIONS = {
    "setup": _setup,
    "send": _send,
    "feedback": _feedback,
    "report": _report,
    "progress": _progress,
    "deliveries": _deliveries,
}


def _serve() -> None:
    """Answer actions read from stdin, one JSON object a line (``{"action": …, "args": …}``),
    with one JSON line each (``{"result": …}`` or ``{"error": traceback}``), until stdin closes.

    Starting Python and Django costs about 3 s of CPU; a test that polls ``report`` paid it on
    every poll. Each action still starts from a fresh database connection."""
    from django.db import connections

    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer: dict[str, Any] = {"result": ACTIONS[request["action"]](request["args"])}
        except Exception:
            answer = {"error": traceback.format_exc()}
        finally:
            connections.close_all()
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
    import django

    django.setup()
    if sys.argv[1] == "--serve":
        _serve()
        return
    action, args = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    print(json.dumps(ACTIONS[action](args), ensure_ascii=False))


if __name__ == "__main__":
    main()
