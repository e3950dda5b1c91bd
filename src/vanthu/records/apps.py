from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "vanthu.records"
    label = "records"
    verbose_name = "Hồ sơ"
