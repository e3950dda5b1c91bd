"""Realistic office traffic for locust (run by benchmarks/bench_load.py, not alone).

Three kinds of people, in the proportions of a city committee's day:
- clerks (văn thư of the subordinate committees): register incoming documents, attach a small
  born-digital PDF to some, open their lists and a document;
- leaders: open the incoming list and documents;
- everyone searches, with and without diacritics, and downloads a file.
Each request is named by its kind so the statistics come per page, not per id.

The day starts with everyone logging in (one PBKDF2 hash of 1,000,000 rounds each, about
0.2 s of CPU): the crowd logs in together, then the statistics are reset and the office works
for VANTHU_LOAD_SECONDS. The logins are timed apart (VANTHU_LOAD_LOGINS, a JSON file): they
happen once a day per person, and left inside the window they queued every page behind them
(docs/benchmarks.md, "Load on the production stack").
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import time
from typing import Any

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.env import Environment

PASSWORD = "Demo-Vanthu-2026!"  # noqa: S105 (the published demo password)
CA = os.environ.get("VANTHU_LOAD_CA", "")
QUERIES = [
    "kế hoạch",
    "ke hoach",
    "công tác cán bộ",
    "cong tac can bo",
    '"chuyển đổi số"',
    "nghị quyết",
    "bao cao tong ket",
    "phát triển đảng viên",
    "kiểm tra giám sát",
]
SECONDS = float(os.environ.get("VANTHU_LOAD_SECONDS", "0"))
LOGINS_FILE = os.environ.get("VANTHU_LOAD_LOGINS", "")
WINDOW_FILE = os.environ.get("VANTHU_LOAD_WINDOW", "")
_clerks = itertools.cycle([f"vanthu.du{n:02d}" for n in range(1, 60)])


class _Crowd:
    """Everyone's login, then the working window: the statistics count only the window."""

    def __init__(self) -> None:
        self.logins: list[float] = []  # milliseconds, as the client saw them
        self.failed = 0
        self.done = 0
        self.everyone_in = Event()

    def arrived(self, environment: Environment) -> None:
        """One more user is past the login; the last one opens the window."""
        self.done += 1
        runner = environment.runner
        if runner is None or self.everyone_in.is_set() or self.done < runner.target_user_count:
            return
        runner.stats.reset_all()
        if WINDOW_FILE:
            with open(WINDOW_FILE, "w", encoding="utf-8") as fh:
                fh.write(str(time.time()))
        self.everyone_in.set()
        if SECONDS:
            gevent.spawn_later(SECONDS, runner.quit)


CROWD = _Crowd()


@events.quitting.add_listener
def _write_logins(environment: Environment, **_kwargs: Any) -> None:
    if LOGINS_FILE:
        with open(LOGINS_FILE, "w", encoding="utf-8") as fh:
            json.dump({"ms": CROWD.logins, "failed": CROWD.failed}, fh)


def _pdf() -> bytes:
    """A one-page born-digital report (text extracted directly, no OCR)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Báo cáo kết quả thực hiện nhiệm vụ tháng của Đảng ủy")
    return bytes(pdf.output())


PDF = _pdf()


class Office(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.trust_env = False
        if CA:
            self.client.verify = CA
        creds = {"username": self.username or next(_clerks), "password": PASSWORD}
        self.seen: list[int] = []
        self.files: list[tuple[int, int]] = []
        started = time.perf_counter()
        try:
            r = self.client.post("/api/v1/auth/token/", json=creds, name="auth/token")
            r.raise_for_status()
            self.client.headers["Authorization"] = f"Token {r.json()['token']}"
            CROWD.logins.append(1000 * (time.perf_counter() - started))
        except Exception:
            CROWD.failed += 1
            raise
        finally:
            CROWD.arrived(self.environment)
        CROWD.everyone_in.wait()
        # Then each starts after a pause of its own, as between its tasks: released together,
        # the whole crowd's first requests hit the stack in the same instant, which no office
        # does.
        gevent.sleep(random.uniform(1, 3))

    def _list(self) -> None:
        r = self.client.get("/api/v1/incoming/?page_size=20", name="incoming list")
        if r.ok:
            self.seen = [d["id"] for d in r.json()["results"]] or self.seen

    def _open(self) -> dict[str, Any] | None:
        if not self.seen:
            return None
        r = self.client.get(f"/api/v1/incoming/{random.choice(self.seen)}/", name="incoming detail")
        return dict(r.json()) if r.ok else None

    @task(3)
    def search(self) -> None:
        self.client.get(f"/api/v1/search/?q={random.choice(QUERIES)}", name="search")

    @task(1)
    def download(self) -> None:
        if self.files:
            doc, file_id = random.choice(self.files)
            self.client.get(
                f"/api/v1/documents/{doc}/files/{file_id}/download/", name="file download"
            )


class Clerk(Office):
    weight = 6

    @task(4)
    def register(self) -> None:
        now = datetime.datetime.now(datetime.UTC)
        body = {
            "sender": "Ban Tuyên giáo Thành ủy",
            "number_symbol": f"{random.randint(1, 999)}-CV/BTGTU",
            "document_type": "CV",
            "issued_date": now.date().isoformat(),
            "summary": "V/v báo cáo kết quả thực hiện nhiệm vụ tháng",
            "signer": "Lê Văn C",
            "secrecy": "none",
            "urgency": "normal",
            "received_at": now.isoformat(),
            "page_count": 1,
        }
        r = self.client.post("/api/v1/incoming/", json=body, name="incoming register")
        if r.status_code == 201:
            doc = r.json()["id"]
            self.seen.append(doc)
            if random.random() < 0.3:
                up = self.client.post(
                    f"/api/v1/incoming/{doc}/files/",
                    files={"file": ("bao-cao.pdf", PDF, "application/pdf")},
                    name="file upload",
                )
                if up.status_code == 201:
                    self.files.append((doc, up.json()["id"]))

    @task(4)
    def work_the_list(self) -> None:
        self._list()
        self._open()


class Leader(Office):
    weight = 2
    username = "lanhdao"

    @task(5)
    def read(self) -> None:
        self._list()
        self._open()
