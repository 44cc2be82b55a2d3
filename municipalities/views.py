from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from reform.middleware import RETRY_AFTER_SECONDS


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 200 when the database answers, 503 when it does not,
    with Retry-After as on the 503 page."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """The smallest Django view (no database): the ceiling the benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")
