from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from municipalities.models import Municipality


def home(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.annotate(plan_count=Count("plans")).order_by("code")
    return render(request, "municipalities/home.html", {"municipalities": municipalities})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
