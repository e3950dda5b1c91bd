from django.apps import AppConfig


class LegacyConfig(AppConfig):
    name = "vanthu.legacy"
    label = "legacy"
    verbose_name = "Nhập dữ liệu cũ"
