from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "vanthu.capture"
    label = "capture"
    verbose_name = "Số hóa"
