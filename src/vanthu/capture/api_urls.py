from django.urls import path

from vanthu.capture import api

urlpatterns = [
    path("scan-batches/", api.ScanBatchList.as_view(), name="api-scan-batches"),
    path("scan-batches/<int:pk>/pause/", api.ScanBatchPause.as_view(), name="api-scan-batch-pause"),
    path(
        "scan-batches/<int:pk>/resume/",
        api.ScanBatchResume.as_view(),
        name="api-scan-batch-resume",
    ),
    path("scan-items/register/", api.ScanItemRegister.as_view(), name="api-scan-items-register"),
    path("scan-items/accuracy/", api.ScanAccuracy.as_view(), name="api-scan-items-accuracy"),
    path("pending-scans/", api.PendingScanList.as_view(), name="api-pending-scans"),
    path(
        "documents/<int:pk>/files/<int:file_id>/pages/<int:page>.png",
        api.FilePage.as_view(),
        name="api-file-page",
    ),
    path(
        "documents/<int:pk>/files/<int:file_id>/thumbnail.png",
        api.FileThumbnail.as_view(),
        name="api-file-thumbnail",
    ),
]
