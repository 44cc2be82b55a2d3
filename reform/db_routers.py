"""Read replicas for the citizens' pages.

With DATABASE_REPLICA_URLS set, a request that cannot change anything and carries no
session (an anonymous GET or HEAD: a citizen reading published pages or the API) reads from
a replica; everything else (staff pages, the admin, any POST, every write) uses the primary,
so the reform office and departments always read what they have just written. Published
content changes only when the reform office publishes, so a replica's lag of seconds is
harmless, and the page cache stays correct: a municipality's content version is replicated
in the same transaction as the change it stands for.
"""

import random
from contextvars import ContextVar

from django.conf import settings

_reading_from_replicas: ContextVar[bool] = ContextVar("reading_from_replicas", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replicas.get() and settings.DATABASE_REPLICAS:
            return random.choice(settings.DATABASE_REPLICAS)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Let the router send this request's reads to a replica when it is a citizen's read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        citizen_read = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        token = _reading_from_replicas.set(citizen_read)
        try:
            return self.get_response(request)
        finally:
            _reading_from_replicas.reset(token)
