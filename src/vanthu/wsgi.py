"""The WSGI application for gunicorn (deploy/systemd/vanthu-web@.service, ``vanthu serve``).

Django imports the URLconf, and with it every app's views, serializers and what they import
(scikit-learn and SciPy for the suggestions), on the first request a process serves, not at
start: 1.5 s of CPU, measured, paid by a user's request in each gunicorn worker after every
start or restart, and queueing the requests behind it (docs/benchmarks.md, "Load on the
production stack"). So it is imported here, before the first request: once in the master
with gunicorn's ``--preload`` (the workers share the imported code), else once per worker
as it boots.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
application = get_wsgi_application()


def warm() -> None:
    """Import what a process's first request would: the URLconf and every view behind it.

    Opens no database connection; any one opened all the same is closed, so that no socket
    is shared by the workers gunicorn forks from a preloaded master.
    """
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports every URLconf and view)
    connections.close_all()


warm()
