from django.urls import path

from vanthu.drafts import api

urlpatterns = [
    path("outgoing/<int:pk>/versions/", api.Versions.as_view(), name="api-draft-versions"),
    path(
        "outgoing/<int:pk>/versions/<int:file_id>/download/",
        api.VersionDownload.as_view(),
        name="api-draft-version-download",
    ),
    path("outgoing/<int:pk>/reviews/", api.Reviews.as_view(), name="api-draft-reviews"),
    path("outgoing/<int:pk>/initial/", api.InitialView.as_view(), name="api-draft-initial"),
    path("outgoing/<int:pk>/approve/", api.Approve.as_view(), name="api-draft-approve"),
    path("outgoing/<int:pk>/replace/", api.Replace.as_view(), name="api-outgoing-replace"),
    path("outgoing/<int:pk>/correct/", api.Correct.as_view(), name="api-outgoing-correct"),
    path("outgoing/<int:pk>/recall/", api.Recall.as_view(), name="api-outgoing-recall"),
    path("documents/<int:pk>/relations/", api.Relations.as_view(), name="api-document-relations"),
    path("document-notices/", api.Notices.as_view(), name="api-document-notices"),
]
