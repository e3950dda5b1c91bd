from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "vanthu.backup"
    label = "backup"
    verbose_name = "Sao lưu"
