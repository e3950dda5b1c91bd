from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "vanthu.registry"
    label = "registry"
    verbose_name = "Văn bản đến, văn bản đi"
