from django.urls import path

from vanthu.preservation import api

urlpatterns = [
    path("fixity/", api.FixityProblemList.as_view(), name="fixity-list"),
]
