"""Bring up the production stack of docs/deploy.md on loopback, from the files in ``deploy/``.

Used by tests/production/test_stack.py and benchmarks/bench_load.py. PostgreSQL (a fresh
database), Redis as the broker, two gunicorn instances (``vanthu-web@.service``), one Celery
worker per queue (``vanthu-worker@.service``), the scheduler (``vanthu-beat.service``) and nginx
with ``deploy/nginx/vanthu.conf`` in front, over TLS with a certificate made here. Only ports,
paths and the certificate are changed; each change must match, so a reshaped deploy file fails
instead of being silently skipped.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import ipaddress
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
QUEUES = ("default", "index", "ocr", "exchange", "fixity")
PASSWORD = "Demo-Vanthu-2026!"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Unavailable(Exception):
    """A service the stack needs is missing: ``what`` it is, and the variable making it required."""

    def __init__(self, what: str, env: str) -> None:
        super().__init__(what)
        self.what, self.env = what, env


def _require(ok: bool, what: str, env: str) -> None:
    if not ok:
        raise Unavailable(what, env)


def _substitute(text: str, old: str, new: str) -> str:
    """Replace ``old`` (which must be there) by ``new``."""
    assert old in text, f"deploy file changed shape: {old!r} not found"
    return text.replace(old, new)


def _exec_start(unit: str, instance: str, env: dict[str, str]) -> list[str]:
    """The ExecStart of a unit file, expanded the way systemd would for this instance."""
    text = (DEPLOY / "systemd" / unit).read_text()
    match = re.search(r"^ExecStart=(.+)$", text, re.M)
    assert match, f"{unit}: no ExecStart"
    line = match.group(1).replace("%%", "\0").replace("%i", instance).replace("%H", "stack")
    line = line.replace("\0", "%").replace("%H", "stack")
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
    argv = shlex.split(line)
    assert argv[0].startswith("/opt/vanthu/bin/"), argv[0]
    argv[0] = str(BIN / Path(argv[0]).name)
    return argv


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vanthu.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def scan_pdf(words: list[str], pages: int = 1) -> bytes:
    """An image-only PDF (a scan): each page shows the words in large type, no text layer."""
    import img2pdf

    images = []
    font = ImageFont.truetype(FONT, 64)
    for n in range(pages):
        page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(page)
        draw.text((200, 200), "ĐẢNG CỘNG SẢN VIỆT NAM", font=font, fill=0)
        for i, word in enumerate(words):
            draw.text((200, 420 + 140 * i), word, font=font, fill=0)
        draw.text((200, 2100), f"Trang {n + 1}", font=font, fill=0)
        out = io.BytesIO()
        page.save(out, format="PNG", dpi=(200, 200))
        images.append(out.getvalue())
    layout = img2pdf.get_fixed_dpi_layout_fun((200, 200))
    return bytes(img2pdf.convert(images, layout_fun=layout))


@dataclass
class Stack:
    base: str
    http_base: str
    ca: Path
    folder: Path
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def session(self, username: str) -> requests.Session:
        s = requests.Session()
        s.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment beats s.verify
        s.verify = str(self.ca)
        creds = {"username": username, "password": PASSWORD}
        r = s.post(f"{self.base}/api/v1/auth/token/", json=creds)
        assert r.status_code == 200, r.text
        s.headers["Authorization"] = f"Token {r.json()['token']}"
        return s

    def start(self, name: str, argv: list[str]) -> None:
        log = self.folder / f"{name}.log"
        self.logs[name] = log
        self.procs[name] = subprocess.Popen(
            argv,
            env=self.env,
            cwd=self.folder,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self, grace: float = 20) -> None:
        """SIGTERM to every process group, SIGKILL to those still running ``grace`` s later
        (at once with ``grace=0``)."""
        if grace > 0:
            for proc in self.procs.values():
                if proc.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()) if grace > 0 else 0)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def dead(self) -> list[str]:
        return [n for n, p in self.procs.items() if p.poll() is not None]


def wait(check: Callable[[], Any], timeout: float, what: str, stack: Stack) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    tails = {n: stack.log(n)[-1500:] for n in stack.logs}
    raise TimeoutError(f"waiting for {what} (last: {last!r}); dead: {stack.dead()}; {tails}")


@contextlib.contextmanager
def running_stack(
    folder: Path,
    *,
    web_workers: int = 2,
    worker_concurrency: int = 1,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """The whole stack, seeded with ``vanthu demo``; everything stopped and dropped at exit.
    ``extra_env``: settings of the benchmark's own (docs/configuration.md)."""
    _require(_answers(5432), "PostgreSQL on 127.0.0.1:5432", "VANTHU_TEST_POSTGRES")
    _require(_answers(6379), "Redis on 127.0.0.1:6379", "VANTHU_TEST_REDIS")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    _require(bool(nginx), "nginx (Debian package nginx-light)", "VANTHU_TEST_POSTGRES")
    import psycopg
    import redis

    data = folder / "data"
    data.mkdir()
    dbname = f"vanthu_stack_{os.getpid()}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        c.execute(f'CREATE DATABASE "{dbname}"')
    broker_db = 13
    # A prefix of its own, as two installations sharing one Redis would have: a stack (a test
    # run, a benchmark) started while another runs must not take that one's triggers. Sharing
    # the bare queues, another stack's ocr worker took this one's OCR trigger, and the job
    # waited for the sweep to re-send it (VANTHU_JOB_RESEND_SECONDS, 120 s).
    key_prefix = f"vanthu-stack-{uuid.uuid4().hex[:12]}:"

    web_ports = (_free_port(), _free_port())
    https_port, http_port = _free_port(), _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_", "DATABASE"))
    }
    env.update(
        {
            "VANTHU_DATA_DIR": str(data),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{dbname}",
            "VANTHU_BROKER_URL": f"redis://127.0.0.1:6379/{broker_db}",
            "VANTHU_BROKER_KEY_PREFIX": key_prefix,
            "VANTHU_SECRET_KEY": uuid.uuid4().hex * 2,
            "VANTHU_SECURITY_ZONE": "connected",
            "VANTHU_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VANTHU_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
            "VANTHU_TRUST_PROXY": "1",
            "VANTHU_HSTS_SECONDS": "3600",
            "VANTHU_SECURE_COOKIES": "1",
            "VANTHU_WEB_WORKERS": str(web_workers),
            "VANTHU_WORKER_CONCURRENCY": str(worker_concurrency),
            "VANTHU_JOB_SWEEP_SECONDS": "5",
            "VANTHU_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "vanthu.settings",
        }
    )
    env.update(extra_env or {})
    env.pop("VANTHU_TASKS_EAGER", None)
    st = Stack(
        base=f"https://127.0.0.1:{https_port}",
        http_base=f"http://127.0.0.1:{http_port}",
        ca=folder / "cert.pem",
        folder=folder,
        env=env,
    )
    vanthu = str(BIN / "vanthu")
    # collectstatic needs no database: it runs while migrate does; the demo needs the tables.
    for steps in (("migrate", "collectstatic"), ("demo",)):
        started = [
            subprocess.Popen(
                [vanthu, step, *(["--noinput"] if step != "demo" else [])],
                env=env,
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=(folder / f"{step}.log").open("wb"),
            )
            for step in steps
        ]
        for step, proc in zip(steps, started, strict=True):
            code = proc.wait(timeout=600)
            assert code == 0, f"{step}: {(folder / f'{step}.log').read_text()[-3000:]}"

    cert, key = _certificate(folder)
    site = (DEPLOY / "nginx" / "vanthu.conf").read_text()
    site = _substitute(site, "127.0.0.1:8001", f"127.0.0.1:{web_ports[0]}")
    site = _substitute(site, "127.0.0.1:8002", f"127.0.0.1:{web_ports[1]}")
    site = _substitute(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _substitute(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = _substitute(site, "/etc/ssl/vanthu/fullchain.pem", str(cert))
    site = _substitute(site, "/etc/ssl/vanthu/privkey.pem", str(key))
    site = _substitute(site, "/var/lib/vanthu/static/", f"{data}/static/")
    site = site.replace("server_name vanthu.example.vn;", "server_name 127.0.0.1 localhost;")
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {folder}/nginx-access.log;\n"
        + "".join(
            f"  {d}_temp_path {folder}/{d}-temp;\n"
            for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/site.conf;\n}}\n"
    )

    try:
        for port in web_ports:
            st.start(f"web-{port}", _exec_start("vanthu-web@.service", str(port), env))
        for queue in QUEUES:
            st.start(f"worker-{queue}", _exec_start("vanthu-worker@.service", queue, env))
        st.start("beat", _exec_start("vanthu-beat.service", "", env))
        st.start("nginx", [nginx, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])

        def ready() -> bool:
            try:
                return requests.get(f"{st.base}/dang-nhap/", verify=str(st.ca), timeout=60).ok
            except requests.RequestException:
                return False

        wait(ready, 300, "nginx and gunicorn to answer", st)
        wait(lambda: all(_answers(p) for p in web_ports), 60, "both gunicorn instances", st)
        yield st
    finally:
        # No graceful stop to wait for: the tests are over, the database and the broker's
        # keys are dropped and the folder is temporary. Waiting for nine processes to shut
        # down on a loaded machine took 24 s (an OCR job still running held its worker).
        st.stop_all(grace=0)
        keys = redis.Redis(host="127.0.0.1", port=6379, db=broker_db)
        for key in keys.scan_iter(match=f"{key_prefix}*"):
            keys.delete(key)
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
