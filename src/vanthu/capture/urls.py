"""Web pages of the capture app (mounted at /so-hoa/)."""

from django.urls import path

from vanthu.capture import views

app_name = "capture"
urlpatterns = [
    path("", views.scan_home, name="home"),
    path("lo/", views.batch_rows, name="batch-rows"),
    path("lo/<int:pk>/tam-dung/", views.batch_pause, name="batch-pause"),
    path("lo/<int:pk>/tiep-tuc/", views.batch_resume, name="batch-resume"),
    path("vao-so/", views.register_queue, name="register"),
    path("lo/<int:pk>/vao-so/", views.register_queue, name="batch-register"),
    path("do-chinh-xac/", views.accuracy, name="accuracy"),
    path("kiem-tra/", views.quality_queue, name="quality"),
    path(
        "kiem-tra/<int:pk>/tep/<int:file_id>/da-kiem-tra/",
        views.quality_checked,
        name="quality-checked",
    ),
]
