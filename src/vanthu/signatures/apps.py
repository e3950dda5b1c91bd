from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "vanthu.signatures"
    label = "signatures"
    verbose_name = "Chữ ký số"
