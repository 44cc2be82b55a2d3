import logging

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Japanese unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, showing English
    to anyone whose browser prefers it; a city's site speaks Japanese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
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
        response["Retry-After"] = "30"
        return response
