"""Gapless numbering and exactly-once delivery under concurrency, on both databases.

architecture.md invariant 1: no gaps, no duplicates, under any concurrency.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from vanthu.orgs.models import DocumentType
from vanthu.registry import sending, services
from vanthu.registry.models import Document, Recipient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(n: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def body(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # the test reports every failure, not the first only
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def numbers_of(org: Any) -> list[int]:
    return list(
        Document.objects.filter(organization=org)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_eight_threads_register_200_documents_numbered_1_to_200(city: Any, people: Any) -> None:
    cv = DocumentType.objects.get(code="CV")

    def work(i: int) -> None:
        for j in range(25):
            services.register_incoming(
                actor=people.clerk,
                organization=city.tu,
                data={"sender": "UBND", "document_type": cv, "summary": f"T{i}-{j}"},
            )

    assert run_threads(8, work) == []
    assert numbers_of(city.tu) == list(range(1, 201))


def test_four_processes_share_one_gapless_sequence(city: Any, people: Any) -> None:
    db_name = connection.settings_dict["NAME"]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    args = [str(db_name), str(city.tu.pk), str(people.clerk.pk), "15"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.registry.numbering_worker", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()[-2000:]
    assert numbers_of(city.tu) == list(range(1, 61))


def test_concurrent_sends_deliver_exactly_once(city: Any, people: Any) -> None:
    nq = DocumentType.objects.get(code="NQ")
    draft = services.create_outgoing(
        actor=people.clerk,
        organization=city.tu,
        data={
            "document_type": nq,
            "summary": "Nghị quyết về công tác cán bộ",
            "recipients": [{"organization": city.du1}, {"organization": city.du2}],
        },
    )
    services.issue_outgoing(actor=people.clerk, document=draft)

    def work(i: int) -> None:
        sending.send_outgoing(actor=people.clerk, document=draft)

    assert run_threads(4, work) == []
    deliveries = Document.objects.filter(source_document=draft)
    assert sorted(d.organization_id for d in deliveries) == sorted([city.du1.pk, city.du2.pk])
    assert set(Recipient.objects.values_list("status", flat=True)) == {"delivered"}
