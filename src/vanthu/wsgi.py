"""The WSGI application for gunicorn (deploy/systemd/vanthu-web@.service, ``vanthu serve``).

Django imports the URLconf, and with it every app's views, serializers and what they import,
on the first request a process serves, not at start: 1.5 s of CPU, measured, paid by a user's
request in each gunicorn worker after every start or restart, and queueing the requests behind
it (docs/benchmarks.md, "Load on the production stack"). So it is imported here, before the
first request: once in the master with gunicorn's ``--preload`` (the workers share the imported
code), else once per worker as it boots.

scikit-learn and SciPy (0.9 s more) are imported only where a suggestion model is trained or
asked (``suggest.learning``), so that management commands, Celery workers and tests do not pay
them; a web process asks the model for every incoming document's "Gợi ý xử lý" panel, so it
imports them here too.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
application = get_wsgi_application()


def warm() -> None:
    """Import what a process's first requests would: the URLconf and every view behind it, and
    the suggestion model's libraries.

    Opens no database connection; any one opened all the same is closed, so that no socket
    is shared by the workers gunicorn forks from a preloaded master.
    """
    from django.db import connections
    from django.urls import get_resolver

    from vanthu.suggest.learning import load_libraries

    get_resolver().url_patterns  # noqa: B018 (the property imports every URLconf and view)
    load_libraries()
    connections.close_all()


warm()
