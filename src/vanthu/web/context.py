from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vanthu(request: HttpRequest) -> dict[str, Any]:
    return {"security_zone": settings.VANTHU_SECURITY_ZONE}
