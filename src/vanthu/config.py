"""Runtime configuration read from the environment (docs/configuration.md lists every variable).

Kept apart from ``settings.py`` so that the CLI and Celery can read the same values without
importing Django settings first.
"""

from __future__ import annotations

import base64
import math
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECURITY_ZONES = ("isolated", "connected")


def data_dir() -> Path:
    path = Path(os.environ.get("VANTHU_DATA_DIR", "./data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kept_secret(name: str, nbytes: int) -> str:
    """A secret generated once and kept in the data folder (embedded mode default)."""
    path = data_dir() / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(nbytes)
    # O_EXCL: two processes starting at once must agree on one value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def secret_key() -> str:
    return os.environ.get("VANTHU_SECRET_KEY") or _kept_secret("secret_key", 50)


def encryption_keys() -> tuple[str, list[str]]:
    """The installation key (base64 of 32 bytes) and the retired keys still readable.

    ``VANTHU_ENCRYPTION_KEY`` wins; otherwise a key file generated once in the data folder
    (0600). Retired keys (``VANTHU_ENCRYPTION_OLD_KEYS``, comma-separated, or the lines of
    ``<data>/encryption_key.old``) keep files readable while ``vanthu rotate-key`` re-wraps.
    """
    env = os.environ.get("VANTHU_ENCRYPTION_KEY", "").strip()
    if env:
        old = os.environ.get("VANTHU_ENCRYPTION_OLD_KEYS", "")
        return env, [k.strip() for k in old.split(",") if k.strip()]
    current = _kept_key(encryption_key_file())
    retired_file = data_dir() / "encryption_key.old"
    retired = retired_file.read_text().split() if retired_file.exists() else []
    return current, retired


def encryption_key_file() -> Path:
    return data_dir() / "encryption_key"


def _kept_key(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    value = base64.b64encode(secrets.token_bytes(32)).decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
        fh.flush()
        os.fsync(fh.fileno())
    return value


def security_zone() -> str:
    zone = os.environ.get("VANTHU_SECURITY_ZONE", "connected").strip().lower()
    if zone not in SECURITY_ZONES:
        raise SystemExit(
            f"VANTHU_SECURITY_ZONE must be one of {', '.join(SECURITY_ZONES)}, not {zone!r}"
        )
    return zone


def broker_url() -> str:
    """The Celery broker: a folder in the data dir unless a server is configured."""
    url = os.environ.get("VANTHU_BROKER_URL", "")
    if url:
        return url
    return "filesystem://"


def broker_transport_options(data: Path | None = None) -> dict[str, object]:
    """Options for the folder broker in ``<data>/queue`` (``data`` defaults to the data dir)."""
    if broker_url() != "filesystem://":
        # Several installations (or test runs) may share one Redis: a prefix keeps them apart.
        prefix = os.environ.get("VANTHU_BROKER_KEY_PREFIX", "")
        return {"global_keyprefix": prefix} if prefix else {}
    queue = (data or data_dir()) / "queue"
    for sub in ("in", "processed", "control"):
        (queue / sub).mkdir(parents=True, exist_ok=True)
    # The filesystem transport delivers through one shared folder: every producer writes into
    # it and every consumer reads from it, so "in" and "out" are the same folder. "processed"
    # is where a consumer claims a message by renaming it (same file system as "in"), and
    # "control" holds the exchange tables (kombu's default is a folder in the working dir).
    return {
        "data_folder_in": str(queue / "in"),
        "data_folder_out": str(queue / "in"),
        "processed_folder": str(queue / "processed"),
        "control_folder": str(queue / "control"),
        "store_processed": False,
        # Seconds between looks into the folder when it is empty.
        "polling_interval": float(os.environ.get("VANTHU_BROKER_POLL_SECONDS", "0.5")),
    }


def positive_seconds(name: str, default: str) -> float:
    """``os.environ[name]`` as a number of seconds greater than zero; anything else stops
    start-up with a message that names the variable (a typo must not turn a cleanup off or
    make it remove files still being written)."""
    return seconds(name, os.environ.get(name, default).strip(), default)


def seconds(name: str, raw: object, example: str) -> float:
    """``raw`` (the value of the setting ``name``) as a number of seconds greater than zero,
    else a ``ValueError`` naming the setting (``positive_seconds``, ``blobstore.temp_max_age``)."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}={raw!r}: phải là một số giây lớn hơn 0, ví dụ {example}.")
    return value


@dataclass(frozen=True)
class Rate:
    """A limit of ``count`` events per ``seconds``."""

    count: int
    seconds: int


_RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate(name: str, default: str) -> Rate:
    """``os.environ[name]`` as a rate in DRF's notation (``20/min``: a number, a slash, then a
    period whose first letter is s, m, h or d); anything else is a ``ValueError`` naming the
    variable."""
    text = os.environ.get(name, default).strip()
    number, _, period = text.partition("/")
    seconds = _RATE_PERIODS.get(period.strip()[:1].lower())
    try:
        count = int(number)
    except ValueError:
        count = 0
    if count < 1 or seconds is None:
        raise ValueError(f"{name}={text!r}: phải có dạng số/đơn vị, ví dụ {default} (s, m, h, d).")
    return Rate(count, seconds)
