"""Web pages of the archive (mounted at /luu-tru/)."""

from django.urls import path

from vanthu.archive import views, views_forms

app_name = "archive"
urlpatterns = [
    path("", views.index, name="index"),
    # The page's sections, each loaded by htmx on its own (docs/archive.md "Pages").
    path("phan/den-han/", views.section_due, name="section-due"),
    path("phan/nop-luu/", views.section_transfers, name="section-transfers"),
    path("phan/kho/", views.section_holdings, name="section-holdings"),
    path("phan/giu-lai/", views.section_held_back, name="section-held-back"),
    path("phan/huy/", views.section_disposal, name="section-disposal"),
    path("phan/khai-thac/", views.section_use, name="section-use"),
    path("nop-luu/<int:pk>/muc-luc.pdf", views.transfer_list_pdf, name="transfer-list-pdf"),
    path("nop-luu/<int:pk>/bien-ban.pdf", views.handover_pdf, name="handover-pdf"),
    path("hop/<int:pk>/nhan.pdf", views.box_label_pdf, name="box-label-pdf"),
    # Nộp lưu pages (docs/archive.md "Pages").
    path("nop-luu/", views_forms.transfers, name="transfers"),
    path("nop-luu/<int:pk>/", views_forms.transfer_detail, name="transfer"),
    path("nop-luu/<int:pk>/so-luu-tru/", views_forms.assign_number, name="transfer-number"),
    path("nop-luu/<int:pk>/<slug:step>/", views_forms.transfer_decide, name="transfer-decide"),
    # Forms of the page (docs/archive.md "Web").
    path("phong/", views_forms.create_fonds, name="fonds-create"),
    path("vi-tri/", views_forms.create_location, name="location-create"),
    path("giu-lai/", views_forms.request_hold_back, name="held-back-create"),
    path("giu-lai/<int:pk>/duyet/", views_forms.decide_hold_back, name="held-back-decide"),
    path("huy/", views_forms.create_disposal, name="disposal-create"),
    path("huy/<int:pk>/", views_forms.disposal_detail, name="disposal"),
    path("huy/<int:pk>/<slug:step>/", views_forms.disposal_step, name="disposal-step"),
    path("khai-thac/", views_forms.create_request, name="request-create"),
    path("khai-thac/<int:pk>/duyet/", views_forms.decide_request, name="request-decide"),
    path("khai-thac/<int:pk>/tra/", views_forms.return_loan, name="request-return"),
    path("khai-thac/<int:pk>/doc/", views_forms.reader, name="reader"),
    path(
        "khai-thac/<int:pk>/trang/<int:document_pk>/<int:file_pk>/<int:page>.png",
        views_forms.reader_page,
        name="reader-page",
    ),
    path("khai-thac/<int:pk>/sao/", views_forms.copy_desk, name="copy-desk"),
    path("khai-thac/<int:pk>/sao/cap/", views_forms.issue_copy, name="copy-issue"),
]
