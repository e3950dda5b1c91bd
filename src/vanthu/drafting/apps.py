from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "vanthu.drafting"
    label = "drafting"
    verbose_name = "Soạn thảo văn bản đi"
