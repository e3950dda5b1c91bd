"""Web pages of notifications (mounted at /thong-bao/)."""

from django.urls import path

from vanthu.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("chuong/", views.bell, name="bell"),
    path("da-doc/", views.read_all, name="read-all"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("<int:pk>/", views.open_notification, name="open"),
]
