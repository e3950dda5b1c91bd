from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "vanthu.access"
    label = "access"
    verbose_name = "Quyền truy cập"
