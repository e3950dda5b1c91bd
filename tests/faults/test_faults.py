"""Kill things on the production stack and check nothing is lost (issue #11, "Faults").

One stack (tests/faults/stack.py: its own PostgreSQL and Redis, gunicorn, a Celery worker per
queue, beat) serves the whole module. Each test breaks one thing at a random point, brings it
back the way systemd would (start it again, nothing else), then checks the invariants:

- every job finishes exactly once (one job row per file, done; its result written once);
- numbering: in every sequence the numbers taken are exactly 1..last, each with its entry
  (a document or an explicit number event); every registration acknowledged with 201 exists;
- search: every document has exactly one index entry, and a file's text is found;
- exchange: each DocumentId is received once at the partner, however often it was posted;
- export: a package folder exists only whole (built aside, renamed at the end);
- no half-written rows or files: ``vanthu verify`` (audit chains, file hashes, references)
  finds no problem and no unreferenced blob at the end of the module;
- no orphan files: a killed writer's blob temporary is removed by the sweep once stale, a
  killed export's staging folder by the next export.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
import requests

from tests.capture.samples import docx
from tests.core.test_blob_temporaries import PUT_AND_HANG
from tests.faults.stack import (
    BLOB_TEMP_MAX_AGE,
    FaultStack,
    fault_stack,
    settle,
    settle_index,
)
from tests.production.stack import BIN, Unavailable, scan_pdf, wait

pytestmark = [pytest.mark.slow, pytest.mark.once]

ROUNDS = 2


@pytest.fixture(scope="module")
def fs() -> Iterator[FaultStack]:
    # Not under pytest's temporary root: a parallel pytest run may prune it while we run.
    try:
        with (
            tempfile.TemporaryDirectory(prefix="vanthu-faults-") as folder,
            fault_stack(Path(folder)) as running,
        ):
            yield running
    except Unavailable as missing:
        if os.environ.get(missing.env) == "1":
            pytest.fail(f"{missing.what} is required ({missing.env}=1) but is not available")
        pytest.skip(f"{missing.what} is not available")


def _body(summary: str) -> dict[str, Any]:
    return {
        "sender": "Ban Tuyên giáo Thành ủy",
        "number_symbol": f"{uuid.uuid4().int % 900 + 100}-CV/BTGTU",
        "document_type": "CV",
        "issued_date": datetime.date.today().isoformat(),
        "summary": summary,
        "secrecy": "none",
    }


def _register(s: requests.Session, base: str, summary: str) -> dict[str, Any]:
    r = s.post(f"{base}/api/v1/incoming/", json=_body(summary), timeout=60)
    assert r.status_code == 201, r.text
    return dict(r.json())


NUMBERING_GAPS = """
SELECT c.id, c.last_number, count(u.number), coalesce(max(u.number), 0)
FROM registry_counter c
LEFT JOIN (
    SELECT register_id, period_key, counter_type_key AS type_key, number
    FROM registry_document WHERE number IS NOT NULL
    UNION
    SELECT register_id, period_key, type_key, number FROM registry_numberevent
) u ON u.register_id = c.register_id AND u.period_key = c.period_key AND u.type_key = c.type_key
GROUP BY c.id, c.last_number
HAVING count(u.number) <> c.last_number OR coalesce(max(u.number), 0) <> c.last_number
"""


def _assert_numbering_whole(fs: FaultStack) -> None:
    """Every number a counter gave out has its entry; no entry beyond the counter."""
    assert fs.sql(NUMBERING_GAPS) == []
    dupes = fs.sql(
        "SELECT register_id, period_key, counter_type_key, number, count(*) FROM registry_document"
        " WHERE number IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING count(*) > 1"
    )
    assert dupes == []


def _assert_exists(fs: FaultStack, acknowledged: list[int]) -> None:
    if not acknowledged:
        return
    ids = ",".join(str(i) for i in acknowledged)
    rows = fs.sql(f"SELECT count(*) FROM registry_document WHERE id IN ({ids}) AND number > 0")  # noqa: S608
    assert rows[0][0] == str(len(acknowledged))


class Load:
    """Threads registering documents until stopped; what was acknowledged and what failed."""

    def __init__(self, fs: FaultStack, threads: int = 2) -> None:
        self.fs, self.stop = fs, threading.Event()
        self.ok: list[int] = []
        self.failed: list[str] = []
        self.lock = threading.Lock()
        self.session = fs.session("vanthu")
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        s = requests.Session()
        s.headers.update(self.session.headers)
        while not self.stop.is_set():
            try:
                r = s.post(
                    f"{self.fs.base}/api/v1/incoming/",
                    json=_body("V/v tải thử khi có sự cố"),
                    timeout=30,
                )
                with self.lock:
                    if r.status_code == 201:
                        self.ok.append(int(r.json()["id"]))
                    else:
                        self.failed.append(f"HTTP {r.status_code}")
            except requests.RequestException as exc:
                with self.lock:
                    self.failed.append(type(exc).__name__)
                time.sleep(0.2)

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


def _ocr_job(fs: FaultStack, file_id: int) -> list[list[str]]:
    return fs.sql(
        "SELECT status, attempts FROM core_job WHERE kind = 'capture.extract_text'"  # noqa: S608
        f" AND payload->>'file_id' = '{file_id}'"
    )


def test_worker_killed_in_the_middle_of_ocr_finishes_each_job_exactly_once(
    fs: FaultStack,
) -> None:
    clerk = fs.session("vanthu")
    rng = random.Random()
    killed_running = 0
    files: list[tuple[int, int]] = []
    for round_ in range(ROUNDS):
        doc = _register(clerk, fs.base, f"V/v báo cáo quét lần {round_}")
        up = clerk.post(
            f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
            files={"file": ("quet.pdf", scan_pdf(["Kiểm tra sự cố"], pages=8), "application/pdf")},
            timeout=60,
        )
        assert up.status_code == 201, up.text
        file_id = int(up.json()["id"])
        files.append((doc["id"], file_id))

        def started(f: int = file_id) -> bool:
            return _ocr_job(fs, f) == [["running", "1"]]

        wait(started, 240, "OCR to start", fs.stack)
        # A random point inside the job: 8 pages take about 5 s since the OCR reads the scan's
        # own image (docs/capture.md); 3 pages ended before most kills of 0-2 s.
        time.sleep(rng.uniform(0.0, 1.5))
        fs.stack.kill("worker-ocr")
        killed_running += _ocr_job(fs, file_id)[0][0] == "running"
        fs.start_worker("ocr")
    # The kill landed inside a job at least once, else the test proved nothing.
    assert killed_running >= 1
    settle(fs, timeout=240)
    for doc_id, file_id in files:
        jobs = _ocr_job(fs, file_id)
        assert len(jobs) == 1 and jobs[0][0] == "done", jobs  # one job, finished
        assert int(jobs[0][1]) >= 1
        text = clerk.get(f"{fs.base}/api/v1/documents/{doc_id}/text/", timeout=30).json()
        assert text["status"] == "done", text
        assert "SỰ CỐ" in text["text"].upper()
        # Nothing doubled: one file row for the one upload.
        detail = clerk.get(f"{fs.base}/api/v1/documents/{doc_id}/", timeout=30).json()
        assert [f["id"] for f in detail["files"]] == [file_id]


def test_web_server_killed_during_registrations_leaves_no_number_without_entry(
    fs: FaultStack,
) -> None:
    rng = random.Random()
    clerk = fs.session("vanthu")
    acknowledged: list[int] = []
    left_pending = 0
    for _round in range(ROUNDS):
        with Load(fs, threads=3) as load:
            time.sleep(rng.uniform(0.5, 2.5))
            fs.stack.kill("web")
            time.sleep(0.5)
        # Entries a killed worker committed but never wrote (docs/search.md, "Index maintenance").
        left_pending += int(fs.sql("SELECT count(*) FROM search_pendingentry")[0][0])
        fs.start_web()
        _assert_exists(fs, load.ok)
        _assert_numbering_whole(fs)
        acknowledged += load.ok
    print(f"registrations: {left_pending} entries left to the pending sweep by the kills")
    # The next registration takes the next number: nothing was consumed and lost.
    after = _register(clerk, fs.base, "V/v sau khi khởi động lại")
    _assert_numbering_whole(fs)
    assert after["number"]
    # Every acknowledged document is searchable, and so is every document committed by a
    # worker killed before its answer (or its entry's write): written then, or by the sweep.
    settle_index(fs)
    _assert_indexed_once(fs, [*acknowledged, after["id"]])
    unindexed = fs.sql(
        "SELECT count(*) FROM registry_document d"
        " WHERE NOT EXISTS (SELECT 1 FROM search_index s WHERE s.document_id = d.id)"
    )
    assert unindexed == [["0"]], unindexed
    found = clerk.get(
        f"{fs.base}/api/v1/search/", params={"q": '"tải thử khi có sự cố"'}, timeout=60
    ).json()
    assert found["count"] >= min(len(set(acknowledged)), 1000)


def test_web_server_killed_during_an_upload(fs: FaultStack) -> None:
    clerk = fs.session("vanthu")
    rng = random.Random()
    # A PDF header, so that the upload passes the type check and reaches the blob store.
    payload = b"%PDF-1.4\n" + os.urandom(6 * 1024 * 1024)
    left_by_kills = 0
    for _round in range(ROUNDS):
        doc = _register(clerk, fs.base, "V/v tải tệp lớn khi máy chủ dừng")
        result: dict[str, Any] = {}

        def upload(d: int = doc["id"], out: dict[str, Any] = result) -> None:
            try:
                r = clerk.post(
                    f"{fs.base}/api/v1/incoming/{d}/files/",
                    files={"file": ("lon.pdf", payload, "application/pdf")},
                    timeout=60,
                )
                out["status"] = r.status_code
            except requests.RequestException as exc:
                out["status"] = type(exc).__name__

        t = threading.Thread(target=upload)
        t.start()
        time.sleep(rng.uniform(0.05, 0.6))
        fs.stack.kill("web")
        t.join(60)
        left_by_kills += len(fs.blob_temporaries())
        fs.start_web()
        rows = fs.sql(f"SELECT id, size FROM registry_documentfile WHERE document_id = {doc['id']}")  # noqa: S608
        # Whole or absent: a row only with the full size, and only if the server said 201.
        if rows:
            assert rows == [[rows[0][0], str(len(payload))]]
        if result.get("status") == 201:
            assert len(rows) == 1
    _assert_numbering_whole(fs)
    print(f"upload: {left_by_kills} blob temporaries left by the kills")
    # A kill rarely lands in the milliseconds of the blob write itself: a writer killed there
    # for sure (a process storing a blob into the stack's store, stopped mid-write).
    writer = subprocess.Popen(
        [str(BIN / "python"), "-c", PUT_AND_HANG, str(fs.data / "blobs")],
        env=fs.stack.env, cwd=fs.stack.folder, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    writer.kill()
    writer.wait(timeout=30)
    assert [n for n in fs.blob_temporaries() if n.startswith("tmp/blob-")], fs.blob_temporaries()
    # No orphan file: the stack's sweep removes what a killed writer left once it is stale.
    _assert_no_blob_temporaries(fs)


def _assert_no_blob_temporaries(fs: FaultStack) -> None:
    wait(lambda: fs.blob_temporaries() == [], BLOB_TEMP_MAX_AGE + 30, "no blob temporary", fs.stack)


def test_database_restarted_under_load(fs: FaultStack) -> None:
    clerk = fs.session("vanthu")
    with Load(fs, threads=2) as load:
        time.sleep(1.5)
        fs.cluster.stop("immediate")  # like a crash: recovery replays the WAL
        time.sleep(2)
        fs.cluster.start()
        time.sleep(3)
    # Refused while the database was down, with an error status, never a false 201.
    assert load.ok, "no registration got through: the load did nothing"
    assert all(f.startswith("HTTP 5") or f.endswith("Error") for f in load.failed), load.failed
    _assert_exists(fs, load.ok)
    _assert_numbering_whole(fs)
    # Recovered without manual repair: the web and the workers work again.
    _register(clerk, fs.base, "V/v sau khi cơ sở dữ liệu khởi động lại")
    settle(fs)
    assert fs.stack.dead() == []


def test_broker_restarted_under_load(fs: FaultStack) -> None:
    clerk = fs.session("vanthu")
    before = int(fs.sql("SELECT count(*) FROM core_job WHERE status = 'done'")[0][0])
    docs = []
    with Load(fs, threads=1) as load:
        for i in range(3):
            doc = _register(clerk, fs.base, f"V/v quét khi hàng đợi dừng {i}")
            docs.append(doc["id"])
            if i == 1:
                fs.stack.kill("redis")  # in-memory, no persistence: every message is lost
            up = clerk.post(
                f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
                files={"file": ("q.pdf", scan_pdf(["Hàng đợi"]), "application/pdf")},
                timeout=60,
            )
            # The upload does not depend on the broker: the job row is the truth.
            assert up.status_code == 201, up.text
        time.sleep(2)
        fs.start_redis()
    assert load.ok
    _assert_exists(fs, load.ok)
    # The sweep re-sends the triggers the broker lost; every job ends done.
    settle(fs, timeout=180)
    after = int(fs.sql("SELECT count(*) FROM core_job WHERE status = 'done'")[0][0])
    assert after - before >= len(docs)
    ids = ",".join(str(d) for d in docs)
    ocr = fs.sql(
        "SELECT j.status FROM core_job j JOIN registry_documentfile f"  # noqa: S608
        " ON j.payload->>'file_id' = f.id::text"
        f" WHERE j.kind = 'capture.extract_text' AND f.document_id IN ({ids})"
    )
    assert ocr == [["done"]] * len(docs)
    assert fs.stack.dead() == []


# Uploads take only the accepted types, read from the bytes: the header makes these random
# bytes a "PDF" that gets as far as the blob store (docs/capture.md).
FAKE_PDF = b"%PDF-1.4\n"


def test_disk_full_during_an_upload(fs: FaultStack) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system for the full disk needs root")
    storage = fs.data / "blobs"
    used = int(subprocess.run(["du", "-sb", str(storage)], capture_output=True, text=True,
                              check=True).stdout.split()[0])  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vanthu-blobs-") as aside_dir:
        aside = Path(aside_dir) / "blobs"
        subprocess.run(["cp", "-a", str(storage), str(aside)], check=True)
        # The store moves onto a tmpfs holding what it holds now plus 3 MiB: a full disk.
        size = used + 3 * 2**20 + 64 * 2**10
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(storage)]
        )
        if mounted.returncode != 0:
            pytest.skip("this machine does not allow mounting a tmpfs")
        clerk = fs.session("vanthu")
        try:
            subprocess.run(["cp", "-a", f"{aside}/.", str(storage)], check=True)
            doc = _register(clerk, fs.base, "V/v tải tệp khi đĩa đầy")
            tmp = storage / "tmp"
            # Any left by a killed upload earlier are the sweep's to remove meanwhile.
            before = set(tmp.iterdir()) if tmp.exists() else set()
            r = clerk.post(
                f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
                files={"file": ("day.pdf", FAKE_PDF + os.urandom(5 * 2**20), "application/pdf")},
                timeout=60,
            )
            # A refusal, nothing stored: no row, no half-written blob left in the store.
            assert r.status_code >= 400, r.text
            rows = fs.sql(
                f"SELECT count(*) FROM registry_documentfile WHERE document_id = {doc['id']}"  # noqa: S608
            )
            assert rows == [["0"]]
            assert (set(tmp.iterdir()) if tmp.exists() else set()) <= before
            # Space is there again for a small file: the next upload works, no repair.
            ok = clerk.post(
                f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
                files={"file": ("nho.pdf", FAKE_PDF + os.urandom(64 * 2**10), "application/pdf")},
                timeout=60,
            )
            assert ok.status_code == 201, ok.text
            subprocess.run(["cp", "-a", f"{storage}/.", str(aside)], check=True)
        finally:
            subprocess.run(["umount", str(storage)], check=False)
            subprocess.run(["cp", "-a", f"{aside}/.", str(storage)], check=True)


def _text_docx(word: str) -> bytes:
    """A Word file with ≈ 450,000 characters of text (near the index's cap) naming ``word``."""
    paragraphs = [
        f"Mục {i}: triển khai Nghị quyết số {i}-NQ/TU của Ban Chấp hành Đảng bộ thành phố, "
        f"nhiệm kỳ 2025–2030; các đảng ủy trực thuộc báo cáo kết quả quý {i % 4 + 1} "
        f"({i * 7919 % 100003} đảng viên, {i * 104729 % 9973} chi bộ)."
        for i in range(2800)
    ]
    paragraphs[1400] += f" Từ khóa kiểm tra: {word}."
    return docx(paragraphs)


def _poll(check: Callable[[], Any], timeout: float, what: str, fs: FaultStack) -> Any:
    """``wait`` with a short step: the moments looked for here last about a second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    return wait(check, 1, what, fs.stack)  # one last look, and the stack's logs if it fails


INDEXING = """
SELECT f.text_status, j.status FROM registry_documentfile f
JOIN core_job j ON j.kind = 'capture.extract_text' AND j.payload->>'file_id' = f.id::text
WHERE f.id = {file_id}
"""


def _searched(s: requests.Session, base: str, word: str) -> list[int]:
    r = s.get(f"{base}/api/v1/search/", params={"q": word}, timeout=60)
    assert r.status_code == 200, r.text
    return [int(hit["id"]) for hit in r.json()["results"]]


def _assert_indexed_once(fs: FaultStack, doc_ids: list[int]) -> None:
    """One search entry per document: present, and never two."""
    if not doc_ids:
        return
    ids = ",".join(str(i) for i in doc_ids)
    rows = fs.sql(
        "SELECT count(*), count(DISTINCT document_id) FROM search_index"  # noqa: S608
        f" WHERE document_id IN ({ids})"
    )
    assert rows == [[str(len(set(doc_ids)))] * 2], rows


def test_worker_killed_in_the_middle_of_indexing_leaves_each_document_searchable_once(
    fs: FaultStack,
) -> None:
    """Index entries are written in the process that commits the change (docs/search.md): the
    web server for a registration, the ``ocr`` queue's worker for a file's text, right after
    the text's commit. That worker is killed while it indexes a long text, with registrations
    (indexed by the web server) going on; every document must end with exactly one entry, and
    the text must be found (a job run again after the kill indexes what it had skipped)."""
    clerk = fs.session("vanthu")
    rng = random.Random()
    killed_indexing = 0
    uploaded: list[tuple[int, str]] = []
    with Load(fs, threads=1) as load:
        round_ = 0
        # More rounds (up to 10) while no kill has landed inside the indexing.
        while round_ < ROUNDS or (killed_indexing == 0 and round_ < 10):
            round_ += 1
            word = f"chimuc{uuid.uuid4().hex[:10]}"
            doc = _register(clerk, fs.base, f"V/v đánh chỉ mục khi tiến trình dừng {round_}")
            up = clerk.post(
                f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
                files={"file": ("bao-cao.docx", _text_docx(word), "application/octet-stream")},
                timeout=60,
            )
            assert up.status_code == 201, up.text
            uploaded.append((doc["id"], word))
            query = INDEXING.format(file_id=int(up.json()["id"]))

            def text_committed(q: str = query) -> list[list[str]]:
                rows = fs.sql(q)
                return rows if rows and rows[0][0] == "done" else []

            # The text is committed and the job not yet finished: the worker is indexing.
            seen = _poll(text_committed, 240, "the text to be committed", fs)
            # The indexing after the commit takes a fraction of a second on a quiet machine
            # (0 of 6 kills after up to 0.3 s landed inside it once): kill within 0.1 s.
            time.sleep(rng.uniform(0.0, 0.1))
            fs.stack.kill("worker-ocr")
            after = fs.sql(query)
            if seen == [["done", "running"]] and after == [["done", "running"]]:
                killed_indexing += 1
            fs.start_worker("ocr")
    print(f"indexing: {killed_indexing} of {round_} kills inside the indexing")
    # The kill landed inside the indexing at least once, else the test proved nothing.
    assert killed_indexing >= 1
    settle(fs, timeout=240)
    for doc_id, word in uploaded:
        assert _searched(clerk, fs.base, word) == [doc_id]
    _assert_indexed_once(fs, [d for d, _ in uploaded] + load.ok)
    assert load.ok


def _deliveries(fs: FaultStack, doc_ids: list[int]) -> list[list[str]]:
    ids = ",".join(str(i) for i in doc_ids)
    return fs.sql(
        "SELECT m.document_id, m.status, m.edxml_id, j.status, j.attempts"  # noqa: S608
        " FROM exchange_outboxmessage m LEFT JOIN core_job j ON j.kind = 'exchange.deliver'"
        " AND j.payload->>'message' = m.id::text"
        f" WHERE m.kind = 'package' AND m.document_id IN ({ids}) ORDER BY m.document_id"
    )


def test_worker_killed_in_the_middle_of_an_exchange_delivery_registers_each_document_once(
    fs: FaultStack,
) -> None:
    """The stack is its own partner (tests/faults/partners.py): TU's outbox posts to the
    stack's inbox for BTGTU. The ``exchange`` worker is killed while a backlog of deliveries
    runs; a delivery cut after the partner registered it is sent again, and receipt, idempotent
    by DocumentId, must answer with the document already created."""
    made = subprocess.run(
        [str(BIN / "python"), str(Path(__file__).with_name("partners.py")),
         f"{fs.base}/api/v1/exchange/inbox/"],
        env=fs.stack.env, cwd=fs.stack.folder, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    clerk = fs.session("vanthu")
    rng = random.Random()
    sent: list[int] = []
    killed_running = 0
    round_ = 0
    # ROUNDS kills at random points; more (up to 6) while none has landed inside a delivery,
    # since on a quiet machine a backlog of six can be sent before the kill.
    while round_ < ROUNDS or (killed_running == 0 and round_ < 6):
        round_ += 1
        fs.stack.kill("worker-exchange")  # a backlog builds up while it is down
        batch = []
        for i in range(6):
            r = clerk.post(
                f"{fs.base}/api/v1/outgoing/",
                json={
                    "document_type": "CV",
                    "summary": f"V/v liên thông khi tiến trình dừng, đợt {round_} số {i}",
                    "signer": "Nguyễn Văn Ấn",
                    "recipients": [{"name": setup["partner_name"]}],
                },
                timeout=60,
            )
            assert r.status_code == 201, r.text
            doc_id = int(r.json()["id"])
            for step in ("issue", "send"):
                done = clerk.post(
                    f"{fs.base}/api/v1/outgoing/{doc_id}/{step}/", json={}, timeout=60
                )
                assert done.status_code == 200, done.text
            batch.append(doc_id)
        sent += batch
        fs.start_worker("exchange")

        def delivering(b: list[int] = batch) -> bool:
            rows = _deliveries(fs, b)
            return any(r[3] == "running" for r in rows) or all(r[1] == "sent" for r in rows)

        _poll(delivering, 240, "a delivery to start", fs)
        time.sleep(rng.uniform(0.0, 0.3))  # a random point early in the backlog
        fs.stack.kill("worker-exchange")
        killed_running += any(row[3] == "running" for row in _deliveries(fs, batch))
        fs.start_worker("exchange")
    print(f"exchange: {killed_running} of {round_} kills inside a delivery")
    assert killed_running >= 1
    settle(fs, timeout=240)

    rows = _deliveries(fs, sent)
    print(f"exchange: {sum(int(r[4]) > 1 for r in rows)} of {len(rows)} deliveries run again")
    # One message and one job per document, sent, the job done.
    assert [int(r[0]) for r in rows] == sorted(sent), rows
    assert {(r[1], r[3]) for r in rows} == {("sent", "done")}, rows
    # At the receiver each DocumentId was received once and made one incoming document.
    received = fs.sql(
        "SELECT edxml_id, count(*) FROM exchange_receivedpackage"  # noqa: S608
        f" WHERE organization_id = {setup['receiver']} GROUP BY edxml_id"
    )
    assert sorted(received) == sorted([r[2], "1"] for r in rows), received
    incoming = fs.sql(
        "SELECT summary, count(*) FROM registry_document"  # noqa: S608
        f" WHERE organization_id = {setup['receiver']} AND direction = 'incoming'"
        " GROUP BY summary"
    )
    assert len(incoming) == len(sent) and {c for _, c in incoming} == {"1"}, incoming
    # Back at the sender: every recipient delivered, its status 01 applied once.
    ids = ",".join(str(i) for i in sent)
    statuses = fs.sql(
        "SELECT r.status, count(s.id) FILTER (WHERE s.code = '01' AND s.applied)"  # noqa: S608
        " FROM registry_recipient r LEFT JOIN exchange_receivedstatus s ON s.recipient_id = r.id"
        f" WHERE r.document_id IN ({ids}) GROUP BY r.id, r.status"
    )
    assert statuses == [["delivered", "1"]] * len(sent), statuses


def test_package_export_killed_halfway_leaves_no_package_and_runs_again(fs: FaultStack) -> None:
    """``vanthu export-package`` builds the bag in a hidden staging folder and renames it at the
    end (docs/preservation.md): killed at a random point, OUT does not exist (or is whole), and
    the same command run again succeeds and validates with ``bagit``."""
    clerk = fs.session("vanthu")
    rng = random.Random()
    r = clerk.post(
        f"{fs.base}/api/v1/dossiers/",
        json={
            "code": f"SC-{uuid.uuid4().hex[:6]}",
            "title": "Hồ sơ thử xuất gói khi tiến trình dừng",
            "year": datetime.date.today().year,
            "retention_years": 10,
        },
        timeout=60,
    )
    assert r.status_code == 201, r.text
    dossier = int(r.json()["id"])
    for i in range(3):
        doc = _register(clerk, fs.base, f"V/v tài liệu của hồ sơ xuất gói {i}")
        up = clerk.post(
            f"{fs.base}/api/v1/incoming/{doc['id']}/files/",
            files={"file": (f"tep-{i}.pdf", FAKE_PDF + os.urandom(4 * 2**20), "application/pdf")},
            timeout=60,
        )
        assert up.status_code == 201, up.text
        filed = clerk.post(
            f"{fs.base}/api/v1/dossiers/{dossier}/documents/", json={"document": doc["id"]},
            timeout=60,
        )  # fmt: skip
        assert filed.status_code == 201, filed.text
    exports = fs.stack.folder / "xuat-goi"
    exports.mkdir()

    def export(out: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(BIN / "vanthu"), "export-package", "--dossier", str(dossier),
             "--user", "vanthu", str(out)],
            env=fs.stack.env, cwd=fs.stack.folder, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, process_group=0,
        )  # fmt: skip

    def staged(out: Path) -> list[Path]:
        return sorted(exports.glob(f".{out.name}.partial-*"))

    # A whole run first: how long the staging folder lives, so that kills land inside it.
    out = exports / "goi-0"
    proc = export(out)
    while not staged(out) and proc.poll() is None:
        time.sleep(0.01)
    staging_at = time.monotonic()
    while not out.exists() and proc.poll() is None:
        time.sleep(0.01)
    building = time.monotonic() - staging_at
    output = proc.communicate(timeout=600)[0]
    assert proc.returncode == 0, output.decode(errors="replace")[-3000:]
    bagit.Bag(str(out)).validate()

    killed_midway = left_by_kills = 0
    for round_ in range(1, ROUNDS + 1):
        out = exports / f"goi-{round_}"
        proc = export(out)
        while not staged(out) and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, building))  # a random point of the build
        running = proc.poll() is None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        left = [p.name for p in exports.iterdir() if p.name.startswith((out.name, f".{out.name}"))]
        if running and not out.exists():
            killed_midway += 1
            # Nothing claims to be a package: only the hidden staging folder, or nothing.
            assert all(n.startswith(f".{out.name}.partial-") for n in left), left
        else:
            # It had renamed OUT into place before the kill: then OUT is the whole package.
            assert out.exists(), f"exit {proc.returncode}, nothing exported"
            bagit.Bag(str(out)).validate()
            continue
        left_by_kills += len(staged(out))
        again = export(out)
        output = again.communicate(timeout=600)[0]
        assert again.returncode == 0, output.decode(errors="replace")[-3000:]
        bag = bagit.Bag(str(out))
        bag.validate()
        assert len(list(bag.payload_files())) >= 3
        # The run again removed the staging folder of the killed one (its process is gone).
        assert staged(out) == []
    print(f"export: {killed_midway} of {ROUNDS} kills before the rename")
    print(f"export: {left_by_kills} staging folders left by the kills, removed by the next run")
    assert killed_midway >= 1
    # No orphan folder: whole packages only.
    assert sorted(p.name for p in exports.iterdir()) == [f"goi-{i}" for i in range(ROUNDS + 1)]


def test_afterwards_nothing_needs_repair(fs: FaultStack) -> None:
    """Runs last: every fault above recovered by itself; verify finds nothing to repair."""
    settle(fs)
    settle_index(fs)
    _assert_numbering_whole(fs)
    _assert_no_blob_temporaries(fs)
    done = fs.vanthu("verify")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "không được dòng dữ liệu nào tham chiếu" not in done.stdout + done.stderr
    # No orphan file: verify lists no temporary of a stopped process.
    assert "Tệp tạm: không còn tệp tạm nào của tiến trình đã dừng." in done.stdout
    assert fs.sql("SELECT count(*) FROM core_job WHERE status IN ('waiting', 'running')") == [["0"]]
