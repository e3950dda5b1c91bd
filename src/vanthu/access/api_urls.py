from django.urls import path

from vanthu.access import api

urlpatterns = [
    path(
        "documents/<int:pk>/access-log/",
        api.DocumentAccessLog.as_view(),
        name="api-document-access-log",
    ),
    path("documents/<int:pk>/grants/", api.DocumentGrants.as_view(), name="api-document-grants"),
    path(
        "documents/<int:pk>/grants/<int:grant_id>/",
        api.DocumentGrantDetail.as_view(),
        name="api-document-grant",
    ),
]
