"""Web pages of the legacy import wizard (mounted at /nhap-du-lieu-cu/; docs/legacy-import.md)."""

from django.urls import path

from vanthu.legacy import views

app_name = "legacy"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/", views.columns_page, name="columns"),
    path("<str:token>/tien-do/", views.status, name="status"),
    path("<str:token>/bao-cao.csv", views.report_csv, name="report"),
]
