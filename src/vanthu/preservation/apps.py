from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "vanthu.preservation"
    label = "preservation"
    verbose_name = "Bảo quản"
