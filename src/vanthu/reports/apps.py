from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vanthu.reports"
    label = "reports"
    verbose_name = "Báo cáo"
