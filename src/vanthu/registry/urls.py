"""Web UI pages of the registry (mounted at /van-ban/)."""

from django.urls import path

from vanthu.registry.views import inbox, incoming, outgoing, viewer
from vanthu.signatures import views as signing

app_name = "registry"
urlpatterns = [
    path("den/", incoming.incoming_list, name="incoming-list"),
    path("den/moi/", incoming.incoming_new, name="incoming-new"),
    path("den/goi-y/<str:field>/", incoming.suggest, name="suggest"),
    path("den/<int:pk>/", incoming.incoming_detail, name="incoming-detail"),
    path("den/<int:pk>/trinh/", incoming.incoming_present, name="incoming-present"),
    path("den/<int:pk>/but-phe/", incoming.incoming_assign, name="incoming-assign"),
    path("den/<int:pk>/hoan-thanh/", incoming.incoming_complete, name="incoming-complete"),
    path("den/<int:pk>/vao-so/", incoming.incoming_register, name="incoming-register"),
    path("den/<int:pk>/tra-lai/", incoming.incoming_return, name="incoming-return"),
    path("<int:pk>/tep/", incoming.document_files, name="document-files"),
    path("<int:pk>/tep/<int:file_id>/xem/", viewer.file_viewer, name="file-viewer"),
    path(
        "<int:pk>/tep/<int:file_id>/sao-y/",
        signing.certified_copy,
        name="document-certified-copy",
    ),
    path("di/", outgoing.outgoing_list, name="outgoing-list"),
    path("di/moi/", outgoing.outgoing_new, name="outgoing-new"),
    path("di/noi-nhan/", outgoing.organization_lookup, name="org-lookup"),
    path("di/<int:pk>/", outgoing.outgoing_detail, name="outgoing-detail"),
    path("di/<int:pk>/ban-hanh/", outgoing.outgoing_issue, name="outgoing-issue"),
    path("di/<int:pk>/gui/", outgoing.outgoing_send, name="outgoing-send"),
    path("di/<int:pk>/ky-so/", signing.outgoing_sign, name="outgoing-sign"),
    path(
        "di/<int:pk>/ky-so-ca-nhan/",
        signing.outgoing_sign_personal,
        name="outgoing-sign-personal",
    ),
    path("cua-toi/", inbox.my_work, name="inbox"),
]
