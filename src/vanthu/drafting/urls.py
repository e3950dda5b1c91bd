"""Web pages of the drafting app (mounted at /van-ban/ beside the registry's)."""

from django.urls import path

from vanthu.drafting import views

app_name = "drafting"
urlpatterns = [
    path("di/<int:pk>/mau.pdf", views.template_pdf, name="template-pdf"),
    path("di/<int:pk>/mau.docx", views.template_docx, name="template-docx"),
    path("kiem-tra-the-thuc/", views.format_check, name="check"),
]
