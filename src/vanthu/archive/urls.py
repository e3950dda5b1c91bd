"""Web pages of the archive (mounted at /luu-tru/)."""

from django.urls import path

from vanthu.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.index, name="index"),
    path("nop-luu/<int:pk>/muc-luc.pdf", views.transfer_list_pdf, name="transfer-list-pdf"),
    path("nop-luu/<int:pk>/bien-ban.pdf", views.handover_pdf, name="handover-pdf"),
    path("hop/<int:pk>/nhan.pdf", views.box_label_pdf, name="box-label-pdf"),
]
