"""The one Celery app. Tasks carry only triggers; job state lives in the database."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")

app = Celery("vanthu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
