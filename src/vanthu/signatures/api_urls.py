from django.urls import path

from vanthu.signatures import api

urlpatterns = [
    path("outgoing/<int:pk>/sign/", api.OutgoingSign.as_view(), name="api-outgoing-sign"),
    path(
        "outgoing/<int:pk>/sign-personal/",
        api.OutgoingSignPersonal.as_view(),
        name="api-outgoing-sign-personal",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/certified-copy/",
        api.CertifiedCopy.as_view(),
        name="api-document-certified-copy",
    ),
]
