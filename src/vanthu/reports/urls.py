"""Web pages of the reports (mounted at /bao-cao/; docs/reports.md)."""

from django.urls import path

from vanthu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("so/<int:pk>/in/", views.register_print, name="register-print"),
    path("phieu-giai-quyet/<int:pk>/", views.slip, name="slip"),
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("thong-ke/bao-cao/", views.periodic_report, name="periodic"),
    path("luu-tru/", views.archive_page, name="archive"),
    path("luu-tru/in/", views.archive_print, name="archive-print"),
]
