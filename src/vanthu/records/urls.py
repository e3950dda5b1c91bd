"""Web pages of the dossiers section (mounted at /ho-so/; docs/records.md "Web")."""

from django.urls import path

from vanthu.records import views

app_name = "records"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("lap-ho-so-hang-loat/", views.bulk_filing, name="bulk"),
    path("ket-thuc-nam/", views.year_end, name="year-end"),
    path("ket-thuc-nam/ket-thuc-ho-so/", views.year_end_close, name="year-end-close"),
    path("ket-thuc-nam/nop-luu/", views.year_end_transfer, name="year-end-transfer"),
    path("ket-thuc-nam/nam-moi/", views.year_end_next_year, name="year-end-next-year"),
    path("danh-muc/", views.plan_list, name="plans"),
    path("danh-muc/<int:pk>/", views.plan_detail, name="plan"),
    path("danh-muc/<int:pk>/de-muc/", views.plan_add_heading, name="plan-heading"),
    path("danh-muc/<int:pk>/ho-so/", views.plan_add_item, name="plan-item"),
    path("danh-muc/<int:pk>/ban-hanh/", views.plan_approve, name="plan-approve"),
    path("danh-muc/<int:pk>/mo-ho-so/", views.plan_open_dossier, name="plan-open"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/ket-thuc/", views.dossier_close, name="close"),
    path("<int:pk>/mo-lai/", views.dossier_reopen, name="reopen"),
    path("<int:pk>/che-do-su-dung/", views.dossier_access_regime, name="access-regime"),
]
