from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "vanthu.orgs"
    label = "orgs"
    verbose_name = "Tổ chức và người dùng"
