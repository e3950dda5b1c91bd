from django.urls import path

from vanthu.orgs import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("organizations/", api.OrganizationList.as_view(), name="api-organizations"),
    path("organizations/<int:pk>/", api.OrganizationDetail.as_view(), name="api-organization"),
    path("organizations/<int:pk>/terms/", api.TermList.as_view(), name="api-terms"),
    path("users/", api.UserList.as_view(), name="api-users"),
    path("users/<int:pk>/", api.UserDetail.as_view(), name="api-user"),
    path("document-types/", api.DocumentTypeList.as_view(), name="api-document-types"),
]
