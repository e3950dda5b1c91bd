"""Start-up check of the security zone (api.md "Security zone"; issue 6 item 2).

An ``isolated`` installation holds classified content, so it must not talk to anything outside
its isolated LAN (Luật 117/2025: "mạng LAN độc lập" is not connected to networks leaving the
premises; NĐ 63/2026: computers handling secret e-documents are not connected to the Internet).
``vanthu serve``, ``migrate`` and ``check`` run this and refuse to start on an Error, unless
``VANTHU_ISOLATED_LAN_HOSTS`` lists the endpoint's host.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections

SMTP_BACKENDS = ("django.core.mail.backends.smtp.EmailBackend",)


def _allowed(host: str) -> bool:
    hosts = [h.lower() for h in getattr(settings, "VANTHU_ISOLATED_LAN_HOSTS", [])]
    return host.strip().lower().strip("[]") in hosts


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


def _exchange_settings() -> Iterable[tuple[str, str]]:
    """Settings that name an exchange endpoint: VANTHU_EXCHANGE_*URL* / *ENDPOINT*."""
    for name in dir(settings):
        if not name.startswith("VANTHU_EXCHANGE_"):
            continue
        if "URL" not in name and "ENDPOINT" not in name:
            continue
        value = getattr(settings, name)
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if isinstance(v, str) and v.strip():
                yield name, v.strip()


def _partner_endpoints(databases: Sequence[str] | None) -> Iterable[tuple[str, str]]:
    """Exchange partners' endpoints stored in the database (only when a check may use it)."""
    if not databases:
        return
    try:
        from vanthu.exchange.models import Partner
    except ImportError:
        return
    for alias in databases:
        try:
            if Partner._meta.db_table not in connections[alias].introspection.table_names():
                continue
            rows = (
                Partner.objects.using(alias)
                .exclude(endpoint_url="")
                .values_list("organ_id", "endpoint_url")
            )
            yield from ((str(code), str(url)) for code, url in rows)
        except DatabaseError:
            continue


@register(Tags.security, Tags.database)
def isolated_zone_has_no_outbound_endpoint(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if getattr(settings, "VANTHU_SECURITY_ZONE", "connected") != "isolated":
        return []
    errors: list[CheckMessage] = []
    hint = (
        "Gỡ cấu hình này, hoặc nếu máy chủ nằm trong mạng LAN độc lập đã được phê duyệt, "
        "ghi tên máy vào VANTHU_ISOLATED_LAN_HOSTS (docs/security.md)."
    )
    if settings.EMAIL_BACKEND in SMTP_BACKENDS:
        host = str(getattr(settings, "EMAIL_HOST", "localhost"))
        if not _allowed(host):
            errors.append(
                Error(
                    f"Vùng mật (isolated) không được gửi thư ra ngoài: EMAIL_BACKEND là SMTP "
                    f"tới máy {host!r} ngoài mạng LAN độc lập.",
                    hint=hint,
                    id="vanthu.security.E001",
                )
            )
    for name, url in _exchange_settings():
        if not _allowed(_host(url)):
            errors.append(
                Error(
                    f"Vùng mật (isolated) không được nối tới điểm liên thông ngoài mạng LAN "
                    f"độc lập: {name} = {url!r}.",
                    hint=hint,
                    id="vanthu.security.E002",
                )
            )
    for code, url in _partner_endpoints(databases):
        if not _allowed(_host(url)):
            errors.append(
                Error(
                    f"Vùng mật (isolated) không được nối tới đối tác liên thông {code!r} ở "
                    f"địa chỉ {url!r} ngoài mạng LAN độc lập.",
                    hint=hint,
                    id="vanthu.security.E003",
                )
            )
    return errors
