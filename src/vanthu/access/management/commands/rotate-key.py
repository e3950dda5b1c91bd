"""``vanthu rotate-key``: a new installation key; every file's data key re-wrapped by it.

Files are not re-encrypted (docs/security.md, "Đổi khóa"). Embedded mode (key file in the data
folder): a new key file is written and the old key moves to ``encryption_key.old`` so files stay
readable until every data key is re-wrapped. With ``VANTHU_ENCRYPTION_KEY``: the operator sets
the new key there and the old one in ``VANTHU_ENCRYPTION_OLD_KEYS``, then runs this command.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu import config
from vanthu.core import crypto
from vanthu.registry import files


class Command(BaseCommand):
    help = "Đổi khóa mã hóa của hệ thống: bọc lại khóa dữ liệu của mọi tệp mật bằng khóa mới."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rewrap-only",
            action="store_true",
            help="không tạo khóa mới, chỉ bọc lại các khóa còn theo khóa cũ (chạy tiếp)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rewrap_only"]:
            if os.environ.get("VANTHU_ENCRYPTION_KEY", "").strip():
                self.stdout.write(
                    "Khóa lấy từ VANTHU_ENCRYPTION_KEY: chỉ bọc lại theo khóa đó "
                    "(khóa cũ phải có trong VANTHU_ENCRYPTION_OLD_KEYS)."
                )
            else:
                self._new_key_file()
        crypto.reset()
        try:
            ring = crypto.keyring()
        except crypto.CryptoError as exc:
            raise CommandError(str(exc)) from exc
        done, failed = files.rewrap_all()
        self.stdout.write(f"Khóa hiện hành: {ring.current_id}. Đã bọc lại {done} khóa tệp.")
        if failed:
            raise CommandError(
                f"{failed} tệp dùng khóa không còn trong hệ thống; giữ khóa cũ và chạy lại."
            )
        self.stdout.write(
            "Mọi tệp mật đã theo khóa mới. Sau khi sao lưu khóa mới, có thể hủy khóa cũ."
        )

    def _new_key_file(self) -> None:
        current, retired = config.encryption_keys()
        retired_path = config.data_dir() / "encryption_key.old"
        key_path = config.encryption_key_file()
        # Old key first, durably: a crash between the two writes must lose no key.
        _write_private(retired_path, "\n".join([*retired, current]) + "\n")
        _write_private(key_path, crypto.new_key())
        self.stdout.write(f"Đã tạo khóa mới trong {key_path}; khóa cũ giữ trong {retired_path}.")


def _write_private(path: Any, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
