"""The isolated zone refuses to start with an outbound e-mail or exchange endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from vanthu.access.checks import isolated_zone_has_no_outbound_endpoint as check

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def ids(settings: Any) -> list[str]:
    return [m.id for m in check() if m.id]


def test_isolated_zone_with_smtp_refuses_to_start(settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "smtp.gmail.com"
    with pytest.raises(SystemCheckError, match=r"vanthu\.security\.E001"):
        call_command("check")


def test_isolated_zone_with_an_exchange_url_refuses_to_start(settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    settings.VANTHU_EXCHANGE_URL = "https://truc-lien-thong.example.vn/edxml"
    with pytest.raises(SystemCheckError, match=r"vanthu\.security\.E002"):
        call_command("check")


def test_hosts_inside_the_isolated_lan_are_allowed(settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "mail.lan"
    settings.VANTHU_EXCHANGE_URL = "http://10.0.0.5:8000/api/v1/exchange/inbox/"
    settings.VANTHU_ISOLATED_LAN_HOSTS = ["mail.lan", "10.0.0.5"]
    assert ids(settings) == []
    call_command("check")


def test_the_connected_zone_may_send_mail(settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "connected"
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "smtp.gmail.com"
    assert ids(settings) == []


def test_console_mail_in_the_isolated_zone_is_fine(settings: Any) -> None:
    settings.VANTHU_SECURITY_ZONE = "isolated"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert ids(settings) == []


def test_a_partner_endpoint_in_the_database_is_refused(
    settings: Any, db: Any, make_user: Any
) -> None:
    from vanthu.exchange.models import Partner

    settings.VANTHU_SECURITY_ZONE = "isolated"
    Partner.objects.create(
        organ_id="000.00.00.G22",
        name="Văn phòng Trung ương",
        endpoint_url="https://vptw.example.vn/inbox",
        service_user=make_user(username="svc"),
    )
    assert [m.id for m in check(databases=["default"])] == ["vanthu.security.E003"]
    assert check() == []  # without database access the check does not query
