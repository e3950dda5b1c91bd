"""Web pages of preservation (mounted at /bao-quan/)."""

from django.urls import path

from vanthu.preservation import views

app_name = "preservation"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/<int:pk>/goi-eark.zip", views.dossier_package, name="dossier-package"),
    path("nop-luu/<int:pk>/goi-eark.zip", views.transfer_package, name="transfer-package"),
]
