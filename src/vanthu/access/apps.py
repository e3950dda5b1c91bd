from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "vanthu.access"
    label = "access"
    verbose_name = "Quyền truy cập"

    def ready(self) -> None:
        # Registers the security-zone start-up check (docs/security.md).
        from vanthu.access import checks  # noqa: F401
