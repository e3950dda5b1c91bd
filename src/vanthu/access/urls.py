"""Web actions of the "Mật" panel (mounted at /van-ban/; POST only)."""

from django.urls import path

from vanthu.access import views

app_name = "access"
urlpatterns = [
    path("<int:pk>/mat/thoi-han/", views.extend, name="extend"),
    path("<int:pk>/mat/giam-mat/", views.downgrade, name="downgrade"),
    path("<int:pk>/mat/giai-mat/", views.declassify, name="declassify"),
    path("<int:pk>/mat/ban-so/", views.issue_copies, name="copies"),
    path("<int:pk>/mat/chuyen-giao/", views.hand_over, name="handover"),
    path("<int:pk>/mat/ky-nhan/", views.confirm_handover, name="confirm"),
]
