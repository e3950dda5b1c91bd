"""Pages of the guide app (mounted at the root: /huong-dan/, /hom-nay/, /bo-loc/)."""

from django.urls import path

from vanthu.guide import views

app_name = "guide"
urlpatterns = [
    path("huong-dan/", views.handbook, name="handbook"),
    path("huong-dan/phim-tat/", views.shortcuts, name="shortcuts"),
    path("huong-dan/<slug:slug>/", views.topic, name="topic"),
    path("hom-nay/", views.my_day, name="my-day"),
    path("hom-nay/viec-dinh-ky/", views.checklists, name="checklists"),
    path("bo-loc/luu/", views.filter_save, name="filter-save"),
    path("bo-loc/<int:pk>/xoa/", views.filter_delete, name="filter-delete"),
]
