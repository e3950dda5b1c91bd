"""The production stack on loopback (issue "Scale out and hold up", point 1).

``tests/production/stack.py`` brings up what docs/deploy.md describes, from the very files in
``deploy/``; the end-to-end flows below then run against nginx. Needs PostgreSQL, Redis and nginx
(``make test`` installs nginx as root). Without them the module is skipped, unless
VANTHU_TEST_POSTGRES=1 / VANTHU_TEST_REDIS=1 (CI), where that is a failure.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import socket
import ssl
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.production.stack import QUEUES, Stack, Unavailable, running_stack, scan_pdf, wait

pytestmark = [pytest.mark.slow, pytest.mark.postgres_pass]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        with running_stack(tmp_path_factory.mktemp("stack")) as st:
            yield st
    except Unavailable as missing:
        if os.environ.get(missing.env) == "1":
            pytest.fail(f"{missing.what} is required ({missing.env}=1) but is not available")
        pytest.skip(f"{missing.what} is not available")


def test_every_process_of_the_deploy_files_is_up(stack: Stack) -> None:
    assert stack.dead() == []
    names = {n for n in stack.procs}
    assert {f"worker-{q}" for q in QUEUES} <= names and "beat" in names
    # Each worker consumes exactly its own queue (separate queues, docs/deploy.md).
    for queue in QUEUES:

        def ready(q: str = queue) -> str:
            text = stack.log(f"worker-{q}")
            return text if "ready" in text else ""

        log = wait(ready, 120, f"worker {queue} ready", stack)
        assert re.search(rf"\.> {queue}\s+exchange={queue}", log), log[-2000:]
        others = [q for q in QUEUES if q != queue]
        assert not any(re.search(rf"\.> {o}\s+exchange=", log) for o in others)


def test_the_broker_keys_are_the_stacks_own(stack: Stack) -> None:
    """Another stack on the same Redis (a benchmark, another test run) never takes this one's
    triggers: every worker's queue binding lives under this stack's key prefix."""
    import redis

    prefix = stack.env["VANTHU_BROKER_KEY_PREFIX"]
    assert prefix.startswith("vanthu-stack-"), prefix
    keys = redis.Redis(host="127.0.0.1", port=6379, db=13)
    for queue in QUEUES:
        assert keys.exists(f"{prefix}_kombu.binding.{queue}"), queue


def test_tls_redirect_and_security_headers(stack: Stack) -> None:
    plain = requests.get(f"{stack.http_base}/dang-nhap/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    page = requests.get(f"{stack.base}/dang-nhap/", verify=str(stack.ca), timeout=10)
    assert page.status_code == 200 and "Đăng nhập" in page.text
    # Django knows the request came over TLS through nginx: HSTS and secure cookies.
    assert page.headers["Strict-Transport-Security"].startswith("max-age=3600")
    assert "Content-Security-Policy" in page.headers
    assert page.headers["X-Frame-Options"] == "DENY"
    cookies = [c for c in page.raw.headers.getlist("Set-Cookie")]
    assert cookies and all("Secure" in c for c in cookies), cookies


def test_static_files_come_from_nginx_not_gunicorn(stack: Stack) -> None:
    page = requests.get(f"{stack.base}/dang-nhap/", verify=str(stack.ca), timeout=10)
    paths = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert paths, "the login page links no static file"
    for path in paths:
        r = requests.get(f"{stack.base}{path}", verify=str(stack.ca), timeout=10)
        assert r.status_code == 200, path
        assert "public" in r.headers["Cache-Control"] and "Expires" in r.headers
    web_logs = "".join(stack.log(n) for n in stack.procs if n.startswith("web-"))
    assert "/static/" not in web_logs
    assert "/dang-nhap/" in web_logs  # the page itself did go through gunicorn


def test_slow_clients_do_not_hold_the_gunicorn_workers(stack: Stack) -> None:
    """Slow clients (slowloris): requests whose headers or body trickle in never reach a
    gunicorn sync worker, because nginx reads the whole request first (and drops such clients
    after client_header_timeout / client_body_timeout, deploy/nginx/vanthu.conf); so twice as
    many of them as there are workers leave every worker free for the office."""
    host, port = "127.0.0.1", int(stack.base.rsplit(":", 1)[1])
    tls = ssl.create_default_context(cafile=str(stack.ca))
    workers = 2 * int(stack.env["VANTHU_WEB_WORKERS"])
    marker = f"slow-{uuid.uuid4().hex[:8]}"
    hung: list[ssl.SSLSocket] = []
    try:
        for n in range(2 * workers):
            raw = socket.create_connection((host, port), timeout=10)
            conn = tls.wrap_socket(raw, server_hostname=host)
            if n % 2:  # headers that never end
                conn.sendall(f"GET /dang-nhap/?{marker} HTTP/1.1\r\nHost: {host}\r\nX-A: ".encode())
            else:  # a body announced at 100 kB, of which 13 bytes come
                conn.sendall(
                    f"POST /api/v1/incoming/?{marker} HTTP/1.1\r\nHost: {host}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                    '{"summary": "'.encode()
                )
            hung.append(conn)
        # Each of these would wait for a worker (gunicorn's timeout is 120 s) if the slow
        # requests held them.
        for _ in range(workers + 1):
            page = requests.get(f"{stack.base}/dang-nhap/", verify=str(stack.ca), timeout=15)
            assert page.status_code == 200
    finally:
        for conn in hung:
            conn.close()
    time.sleep(0.5)
    web_logs = "".join(stack.log(n) for n in stack.procs if n.startswith("web-"))
    assert marker not in web_logs


def _registered(s: requests.Session, base: str, summary: str, **extra: Any) -> dict[str, Any]:
    today = datetime.date.today().isoformat()
    body = {
        "sender": "Ban Tổ chức Thành ủy",
        "number_symbol": f"{uuid.uuid4().int % 900 + 100}-CV/BTCTU",
        "document_type": "CV",
        "issued_date": today,
        "summary": summary,
        "signer": "Nguyễn Văn A",
        "secrecy": "none",
        "urgency": "normal",
        "received_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "page_count": 1,
        **extra,
    }
    r = s.post(f"{base}/api/v1/incoming/", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_scan_is_ocred_indexed_and_downloaded_through_the_stack(stack: Stack) -> None:
    clerk = stack.session("vanthu")
    word = f"Hợp tác xã Thủy sản {uuid.uuid4().hex[:4].upper()}"
    doc = _registered(clerk, stack.base, "V/v báo cáo tình hình hợp tác xã")
    scan = scan_pdf(["Hợp tác xã Thủy sản", "KHÁNH HỘI"])
    up = clerk.post(
        f"{stack.base}/api/v1/incoming/{doc['id']}/files/",
        files={"file": ("ban-quet.pdf", scan, "application/pdf")},
    )
    assert up.status_code == 201, up.text
    assert up.json()["sha256"] == hashlib.sha256(scan).hexdigest()

    def text_done() -> dict[str, Any] | None:
        t = clerk.get(f"{stack.base}/api/v1/documents/{doc['id']}/text/").json()
        return t if t["status"] in ("done", "failed") else None

    text = wait(text_done, 300, "OCR on the ocr worker", stack)
    assert text["status"] == "done", text
    assert "KHÁNH HỘI" in text["text"].upper()

    def found() -> bool:
        r = clerk.get(f"{stack.base}/api/v1/search/", params={"q": "khanh hoi"})
        return r.ok and any(x["id"] == doc["id"] for x in r.json()["results"])

    wait(found, 60, "the OCR text in the search index", stack)
    files = clerk.get(f"{stack.base}/api/v1/documents/{doc['id']}/").json()["files"]
    original = next(f for f in files if f["id"] == up.json()["id"])
    got = clerk.get(f"{stack.base}/api/v1/documents/{doc['id']}/files/{original['id']}/download/")
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == up.json()["sha256"]
    assert word  # the summary word is checked by the next test's search


def test_slow_ocr_does_not_hold_up_indexing(stack: Stack) -> None:
    """A long OCR job occupies the ocr worker; a new document is searchable meanwhile."""
    clerk = stack.session("vanthu")
    big = _registered(clerk, stack.base, "V/v hồ sơ quét nhiều trang")
    up = clerk.post(
        f"{stack.base}/api/v1/incoming/{big['id']}/files/",
        files={"file": ("nhieu-trang.pdf", scan_pdf(["Nhiều trang"], pages=12), "application/pdf")},
    )
    assert up.status_code == 201, up.text
    wait(
        lambda: (
            clerk.get(f"{stack.base}/api/v1/documents/{big['id']}/text/").json()["status"]
            == "working"
        ),
        120,
        "the long OCR to start",
        stack,
    )
    marker = f"Lục{uuid.uuid4().hex[:6]}"
    small = _registered(clerk, stack.base, f"V/v kế hoạch {marker} năm sau")

    def found() -> bool:
        r = clerk.get(f"{stack.base}/api/v1/search/", params={"q": marker.lower()})
        return r.ok and any(x["id"] == small["id"] for x in r.json()["results"])

    wait(found, 60, "the new document in the index", stack)
    status = clerk.get(f"{stack.base}/api/v1/documents/{big['id']}/text/").json()["status"]
    assert status == "working", "the OCR finished first: the test proved nothing; add pages"


def test_sending_inside_the_installation(stack: Stack) -> None:
    clerk = stack.session("vanthu")
    url: str | None = f"{stack.base}/api/v1/organizations/?page_size=200"
    target = None
    while url and target is None:
        page = clerk.get(url).json()
        target = next((o for o in page["results"] if o["code"] == "DU01"), None)
        url = page["next"]
    assert target is not None
    r = clerk.post(
        f"{stack.base}/api/v1/outgoing/",
        json={
            "document_type": "CV",
            "summary": "V/v tổng kết công tác văn thư qua hệ thống",
            "signer": "Trần Văn B",
            "secrecy": "none",
            "urgency": "normal",
            "recipients": [{"organization": target["id"]}],
        },
    )
    assert r.status_code == 201, r.text
    out = r.json()["id"]
    issued = clerk.post(f"{stack.base}/api/v1/outgoing/{out}/issue/", json={})
    assert issued.status_code == 200, issued.text
    assert re.fullmatch(r"\d{2,}-CV/\w+", issued.json()["number_symbol"])
    assert clerk.post(f"{stack.base}/api/v1/outgoing/{out}/send/", json={}).status_code == 200
    assert clerk.post(f"{stack.base}/api/v1/outgoing/{out}/send/", json={}).status_code == 200
    receiver = stack.session("vanthu.du01")
    got = receiver.get(
        f"{stack.base}/api/v1/incoming/", params={"q": "tổng kết công tác văn thư qua hệ thống"}
    ).json()
    assert got["count"] == 1, got  # delivered once, though send was pressed twice


def test_scheduler_drives_the_sweep_on_the_default_worker(stack: Stack) -> None:
    # Every worker's banner lists every task; "Task <name>[<id>] received" is a real delivery.
    received = "Task vanthu.core.tasks.sweep["
    wait(
        lambda: received in stack.log("worker-default"),
        60,
        "beat to send the sweep to the default worker",
        stack,
    )
    assert not any(received in stack.log(f"worker-{q}") for q in QUEUES if q != "default")


def test_one_web_instance_killed_nothing_fails(stack: Stack) -> None:
    """Last: kill -9 one gunicorn instance; nginx sends every request to the other."""
    clerk = stack.session("vanthu")
    victim = next(n for n in stack.procs if n.startswith("web-"))
    stack.kill(victim)
    statuses = [clerk.get(f"{stack.base}/api/v1/me/").status_code for _ in range(20)]
    assert statuses == [200] * 20
    doc = _registered(clerk, stack.base, "V/v đăng ký khi một máy chủ web đã dừng")
    again = clerk.get(f"{stack.base}/api/v1/incoming/{doc['id']}/").json()
    assert again["arrival_number"] == doc["arrival_number"]
