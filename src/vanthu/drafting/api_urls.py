from django.urls import path

from vanthu.drafting import api

urlpatterns = [
    path(
        "outgoing/<int:pk>/template.pdf",
        api.TemplatePdf.as_view(),
        name="api-outgoing-template-pdf",
    ),
    path(
        "outgoing/<int:pk>/template.docx",
        api.TemplateDocx.as_view(),
        name="api-outgoing-template-docx",
    ),
    path("drafting/check/", api.FormatCheck.as_view(), name="api-drafting-check"),
]
