"""Test settings: the real settings, plus a test-only app, on SQLite or PostgreSQL.

``VANTHU_TEST_BACKEND=postgres`` runs the database tests on PostgreSQL (127.0.0.1:5432, or
``VANTHU_TEST_POSTGRES_URL``); the default is SQLite in a file, so that several threads and
processes share one database as they do in production.
"""

import os
import tempfile

os.environ.setdefault("VANTHU_DATA_DIR", tempfile.mkdtemp(prefix="vanthu-test-"))
os.environ.setdefault("VANTHU_SECURITY_ZONE", "isolated")

import dj_database_url

from vanthu.settings import *  # noqa: F403
from vanthu.settings import DATA_DIR, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_BACKEND = os.environ.get("VANTHU_TEST_BACKEND", "sqlite")
if TEST_BACKEND == "postgres":
    url = os.environ.get("VANTHU_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    DATABASES = {"default": dj_database_url.parse(url, conn_max_age=0)}
    # A name of its own per run, so that runs side by side never share a test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_vanthu_{os.getpid()}"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "vanthu.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
