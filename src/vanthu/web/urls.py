"""Pages of the web UI shell (Vietnamese paths; docs/ui.md lists them)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from vanthu.web import views
from vanthu.web.views import admin_orgs, admin_users

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", views.otp_verify, name="otp-verify"),
    path("xac-thuc/dang-ky/", views.otp_enrol, name="otp-enrol"),
    path("tra-cuu/", views.search, name="search"),
    # Sections whose screens are still being built: a clean placeholder, never a 404. The
    # registry mounts /van-ban/ before this file, so its real pages win when they exist.
    path("ho-so/", views.placeholder, {"section": "dossiers"}, name="dossiers"),
    path("luu-tru/", views.placeholder, {"section": "archive"}, name="archive"),
    path("quan-tri/", admin_orgs.admin_index, name="admin"),
    path("quan-tri/to-chuc/", admin_orgs.org_tree, name="org-tree"),
    path("quan-tri/to-chuc/them/", admin_orgs.org_create, name="org-create"),
    path("quan-tri/to-chuc/tim/", admin_orgs.org_lookup, name="org-lookup"),
    path("quan-tri/to-chuc/<int:pk>/", admin_orgs.org_detail, name="org-detail"),
    path("quan-tri/to-chuc/<int:pk>/con/", admin_orgs.org_children, name="org-children"),
    path("quan-tri/to-chuc/<int:pk>/nhiem-ky/", admin_orgs.term_add, name="term-add"),
    path("quan-tri/nguoi-dung/", admin_users.user_list, name="user-list"),
    path("quan-tri/nguoi-dung/them/", admin_users.user_create, name="user-create"),
    path("quan-tri/nguoi-dung/<int:pk>/", admin_users.user_detail, name="user-detail"),
]
