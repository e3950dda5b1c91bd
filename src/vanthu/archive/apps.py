from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "vanthu.archive"
    label = "archive"
    verbose_name = "Lưu trữ"
