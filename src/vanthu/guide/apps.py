from django.apps import AppConfig


class GuideConfig(AppConfig):
    """Hướng dẫn (handbook), việc hôm nay (my day), checklists, saved filters, shortcuts."""

    name = "vanthu.guide"
    label = "guide"
    verbose_name = "Hướng dẫn"
