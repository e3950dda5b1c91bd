from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "vanthu.search"
    label = "search"
    verbose_name = "Tra cứu"

    def ready(self) -> None:
        # `flush` (and so every transactional test's teardown) empties the tables Django knows
        # and then sends post_migrate; the index is not one of them (indexing.empty_if_unused).
        post_migrate.connect(_after_migrate_or_flush, sender=self)


def _after_migrate_or_flush(using: str = "default", **kwargs: Any) -> None:
    from vanthu.search.indexing import empty_if_unused

    empty_if_unused(using)
