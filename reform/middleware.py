import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

NUL = "\x00"
# Seconds a client is asked to wait while the database is unreachable (the 503 answers).
RETRY_AFTER_SECONDS = 30


class NulCharacter(SuspiciousOperation):
    """A request carried a NUL character."""


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query string, form fields,
    uploaded file names, cookies or headers.

    No legitimate value holds one, and PostgreSQL refuses NUL in text: such a value would
    otherwise reach a query (a search, a lookup by code, a session key) and fail there as a
    server error. Django answers SuspiciousOperation with its 400 page and a security log line.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info or _has_nul(request):
            raise NulCharacter("NUL character in the request")
        return self.get_response(request)


def _has_nul(request) -> bool:
    values = [
        *_items(request.GET),
        *_items(request.COOKIES),
        *(value for key, value in request.META.items() if key.startswith("HTTP_")),
    ]
    if request.method == "POST":
        values.extend(_items(request.POST))
        values.extend(
            upload.name or "" for _, uploads in request.FILES.lists() for upload in uploads
        )
    return any(NUL in value for value in values)


def _items(data) -> list[str]:
    """Keys and values of a QueryDict or a plain dict."""
    pairs = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return [text for key, values in pairs for text in (key, *values)]


def chosen_language(request) -> str:
    """The language the visitor chose with the language switch, or Japanese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """Japanese unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, showing English
    to anyone whose browser prefers it; a city's site speaks Japanese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """A plain 503 page, not a stack trace, while the database cannot be reached.

    Connections are health-checked on reuse (CONN_HEALTH_CHECKS), so service resumes by
    itself once the database is back; nothing here needs a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except OperationalError:
            return self.unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError):
            return self.unavailable(request)
        return None

    def unavailable(self, request):
        # Django closes a broken connection when the request finishes (close_old_connections
        # with CONN_HEALTH_CHECKS), so the next request reconnects by itself.
        logger.error("database unavailable", extra={"path": request.path})
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
