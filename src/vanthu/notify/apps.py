from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "vanthu.notify"
    label = "notify"
    verbose_name = "Thông báo"
