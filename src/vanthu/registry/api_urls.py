from django.urls import path

from vanthu.registry import api

urlpatterns = [
    path("incoming/", api.IncomingList.as_view(), name="api-incoming"),
    path("incoming/<int:pk>/", api.IncomingDetail.as_view(), name="api-incoming-detail"),
    path("incoming/<int:pk>/files/", api.DocumentFiles.as_view(), name="api-incoming-files"),
    path("incoming/<int:pk>/present/", api.IncomingPresent.as_view(), name="api-incoming-present"),
    path("incoming/<int:pk>/assign/", api.IncomingAssign.as_view(), name="api-incoming-assign"),
    path(
        "incoming/<int:pk>/complete/",
        api.IncomingComplete.as_view(),
        name="api-incoming-complete",
    ),
    path(
        "incoming/<int:pk>/register/",
        api.IncomingRegister.as_view(),
        name="api-incoming-register",
    ),
    path("incoming/<int:pk>/return/", api.IncomingReturn.as_view(), name="api-incoming-return"),
    path("outgoing/", api.OutgoingList.as_view(), name="api-outgoing"),
    path("outgoing/<int:pk>/", api.OutgoingDetail.as_view(), name="api-outgoing-detail"),
    path("outgoing/<int:pk>/files/", api.OutgoingFiles.as_view(), name="api-outgoing-files"),
    path("outgoing/<int:pk>/issue/", api.OutgoingIssue.as_view(), name="api-outgoing-issue"),
    path("outgoing/<int:pk>/send/", api.OutgoingSend.as_view(), name="api-outgoing-send"),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="api-document"),
    path("documents/<int:pk>/text/", api.DocumentText.as_view(), name="api-document-text"),
    path(
        "documents/<int:pk>/files/<int:file_id>/download/",
        api.FileDownload.as_view(),
        name="api-document-download",
    ),
]
