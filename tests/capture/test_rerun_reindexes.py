"""A text-extraction job run again after its worker died still leaves the text searchable.

The text is committed first and indexed right after that commit, in the same job; a worker
killed between the two (tests/faults/test_faults.py does it with SIGKILL) leaves the file
``done`` with no text in the index. The sweep runs the job again: that run must index the text,
not skip the file as already done.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.capture import samples
from vanthu.core import jobs
from vanthu.core.models import Job, JobStatus
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import Document, TextStatus
from vanthu.search import backends
from vanthu.search.indexing import build_entry
from vanthu.search.selectors import search_documents

WORD = "Quyếtnghịriêngđểtìm"


def _found(clerk: Any) -> list[int]:
    return [hit.document.pk for hit in search_documents(clerk, WORD).hits]


# Real commits: the index is written by on-commit callbacks, as in a worker.
@pytest.mark.django_db(transaction=True)
def test_job_run_again_after_a_kill_indexes_the_text_it_skipped(city: Any, make_user: Any) -> None:
    clerk = make_user(username="vt_rerun", organization=city.tu, roles=["clerk"])
    data = {
        "sender": "Ban Tổ chức Trung ương",
        "number_symbol": "12-CV/BTCTW",
        "document_type": DocumentType.objects.get(code="CV"),
        "issued_date": timezone.localdate() - datetime.timedelta(days=2),
        "summary": "V/v hướng dẫn công tác nhân sự",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": timezone.now(),
    }
    doc = registry.register_incoming(actor=clerk, organization=city.tu, data=data)
    f = registry.add_file(
        actor=clerk,
        document=doc,
        upload=SimpleUploadedFile("cv.docx", samples.docx([f"Nội dung {WORD} của văn bản"])),
    )
    assert jobs.run_pending() >= 1
    assert _found(clerk) == [doc.pk]

    # What SIGKILL after the text's commit leaves: the file done, the index without its text,
    # the job still "running" until the sweep puts it back to waiting.
    backends.upsert([build_entry(Document.objects.get(pk=doc.pk), [])])
    assert _found(clerk) == []
    job = Job.objects.get(kind="capture.extract_text", payload={"file_id": f.pk})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.WAITING, run_after=timezone.now())

    assert jobs.run_pending() == 1
    f.refresh_from_db()
    assert f.text_status == TextStatus.DONE
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    assert _found(clerk) == [doc.pk]
