"""vanthu/wsgi.py imports every view before the first request, safely for gunicorn's --preload.

A process that only imported Django's WSGI handler paid 1.5 s of CPU (the URLconf, every
view, scikit-learn) on its first request; the stack's first requests after a start queued
seconds behind that (docs/benchmarks.md, "Load on the production stack"). The import now
happens in the module, and it must leave no database connection open: with ``--preload``
(deploy/systemd/vanthu-web@.service) the workers are forked from the process that imported
it, and a shared connection would mix their conversations with the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

REPO = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: import the WSGI module as gunicorn's master does, check what it
# left, then fork two "workers" that each answer a request through the application.
CHILD = """
import io, json, os, sys
import tests.settings as test_settings
test_settings.DATABASES["default"]["NAME"] = sys.argv[1]
token = sys.argv[2]
import vanthu.wsgi
from django.db import connections
report = {
    "views": sorted(m for m in ("vanthu.search.api", "vanthu.registry.api", "vanthu.suggest.api",
                                "sklearn.feature_extraction.text") if m in sys.modules),
    "open": [a for a in connections if connections[a].connection is not None],
    "children": [],
}
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        from django.conf import settings
        settings.ALLOWED_HOSTS = ["testserver"]
        status = []
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/incoming/", "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "443", "HTTP_HOST": "testserver",
            "HTTP_AUTHORIZATION": "Token " + token,
            "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        body = b"".join(vanthu.wsgi.application(environ, lambda s, h: status.append(s)))
        ok = status and status[0].startswith("200") and json.loads(body)["count"] == 0
        os._exit(0 if ok else 1)
    report["children"].append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print(json.dumps(report))
"""


@pytest.mark.slow  # a fresh interpreter imports the whole application: about 3 s of CPU
@pytest.mark.django_db(transaction=True)
def test_wsgi_module_imports_the_views_and_leaves_no_connection_for_forked_workers(
    make_user: Callable[..., Any],
) -> None:
    token = Token.objects.create(user=make_user())
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(connection.settings_dict["NAME"]), token.key],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # Imported by the module itself, before any request.
    # The suggestion model's libraries too: no user's first "Gợi ý xử lý" panel imports them.
    assert report["views"] == [
        "sklearn.feature_extraction.text",
        "vanthu.registry.api",
        "vanthu.search.api",
        "vanthu.suggest.api",
    ]
    assert report["open"] == []
    # Each forked worker opens its own connection and answers a signed-in request (token
    # looked up, the user's list read) from the database.
    assert report["children"] == [0, 0]


@pytest.mark.slow  # a fresh interpreter imports the URLconf: about 3 s of CPU
@pytest.mark.once
def test_urlconf_and_commands_do_not_import_scikit_learn() -> None:
    """Only a web process (vanthu.wsgi) or a model's training and use import scikit-learn and
    SciPy: 0.9 s of CPU that ``vanthu check``, every command, every Celery worker and every
    test process paid at start when ``suggest.learning`` imported them at the top."""
    code = (
        "import sys, django; django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "import vanthu.suggest.services, vanthu.suggest.tasks\n"
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
