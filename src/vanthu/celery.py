"""The one Celery app. Tasks carry only triggers; job state lives in the database.

Queues: ``default`` (small work, the sweep), ``ocr`` (text extraction and OCR, CPU-heavy),
``index`` (search index), ``exchange`` (sending between organisations and installations),
``fixity`` (checking stored files). A worker started without ``-Q`` consumes all of them.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from celery import Celery
from kombu import Exchange, Queue
from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import filesystem as kombu_filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")

JOB_QUEUES = ("default", "ocr", "index", "exchange", "fixity")


class FilesystemChannel(kombu_filesystem.Channel):
    """kombu's folder broker, made safe for several processes on one folder.

    kombu writes a message file in place, so a consumer in another process may take it while
    it is still empty or half written; and it moves a taken file to the system temp folder,
    which on another file system is a copy that two consumers can both make. Here a message is
    written under a temporary name and renamed into the queue (a rename within one folder is
    atomic), and a consumer claims it by renaming it into ``processed_folder`` on the same file
    system: exactly one consumer wins each message.
    """

    # The stubs of kombu's two base classes disagree on this signature; this one is theirs.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        folder = Path(self.data_folder_out)
        # kombu orders messages by this millisecond prefix, then the uuid.
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        tmp = folder / f"tmp-{uuid.uuid4().hex}"
        data = str_to_bytes(dumps(payload))
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / name)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add {name!r} to {folder}") from exc

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        wanted = f"{queue}.msg"
        folder = Path(self.data_folder_in)
        taken_dir = Path(self.processed_folder)
        for filename in sorted(os.listdir(folder)):
            if filename.partition(".")[2] != wanted:
                continue
            taken = taken_dir / f"{os.getpid()}-{filename}"
            try:
                os.rename(folder / filename, taken)
            except OSError:
                continue  # another consumer took it first
            try:
                payload = taken.read_bytes()
            finally:
                if not self.store_processed:
                    taken.unlink(missing_ok=True)
            return loads(bytes_to_str(payload))
        raise Empty()


class FilesystemTransport(kombu_filesystem.Transport):
    Channel = FilesystemChannel

    @property
    def default_connection_params(self) -> dict[str, Any]:
        # A folder has no host: without this kombu logs "No hostname was supplied" per send.
        return {}


# ``filesystem://`` (the embedded default, config.broker_url) resolves to the safe variant in
# every process that imports this module, which every Vanthu process does (vanthu/__init__.py).
TRANSPORT_ALIASES["filesystem"] = "vanthu.celery:FilesystemTransport"

app = Celery("vanthu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_default_queue = "default"
app.conf.task_queues = [Queue(q, Exchange(q, type="direct"), routing_key=q) for q in JOB_QUEUES]
app.autodiscover_tasks()
