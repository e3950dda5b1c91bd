"""The OpenAPI schema generator (DRF's DEFAULT_SCHEMA_CLASS). Kept apart from core.api, which
DRF imports while its own generics are still loading."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class Schema(AutoSchema):
    """drf-spectacular's schema, with one rule for plain APIViews that page by hand: their
    ``pagination_class`` describes the GET list only, never the list a POST answers with."""

    def _get_paginator(self) -> Any:
        return super()._get_paginator() if self.method == "GET" else None
