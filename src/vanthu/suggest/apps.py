from django.apps import AppConfig


class SuggestConfig(AppConfig):
    name = "vanthu.suggest"
    label = "suggest"
    verbose_name = "Gợi ý xử lý"
