from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vanthu.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        # Registers the object-storage check of `vanthu check --deploy` (docs/deploy.md).
        from vanthu.core import checks  # noqa: F401
