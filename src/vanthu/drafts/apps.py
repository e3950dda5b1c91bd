from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "vanthu.drafts"
    label = "drafts"
    verbose_name = "Dự thảo, duyệt, thay thế, đính chính, thu hồi"
