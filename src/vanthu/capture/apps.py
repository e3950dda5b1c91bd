from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CaptureConfig(AppConfig):
    name = "vanthu.capture"
    label = "capture"
    verbose_name = "Số hóa"

    def ready(self) -> None:
        from .detect import upload_kinds

        # A typo in the accepted upload types must stop start-up, not refuse every upload.
        try:
            upload_kinds(settings.VANTHU_UPLOAD_TYPES)
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
