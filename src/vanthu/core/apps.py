from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vanthu.core"
    label = "core"
    verbose_name = "Lõi"
