from django.urls import path

from vanthu.drafts import views

app_name = "drafts"

urlpatterns = [
    path("di/<int:pk>/du-thao/", views.add_version, name="version"),
    path("di/<int:pk>/gop-y/", views.add_review, name="review"),
    path("di/<int:pk>/ky-nhay/", views.initial, name="initial"),
    path("di/<int:pk>/duyet/", views.approve, name="approve"),
    path("di/<int:pk>/thay-the-thu-hoi/", views.relate, name="relate"),
]
