from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from municipalities.rate_limits import count_request
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


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset, answering 429 past a few requests an hour from one client
    address or for one e-mail address, so it cannot flood a mailbox or send mail in bulk.

    Every request is counted, whether or not an account has the address, and the answers
    are the same either way, so the limit tells nothing about which addresses exist. The
    client address is read as the login lockout reads it (PROXY_COUNT).
    """

    def post(self, request, *args, **kwargs):
        window = settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES * 60
        address = get_client_ip_address(request) or "unknown"
        email = request.POST.get("email", "").strip().lower()
        by_address = count_request("password-reset-address", address, window_seconds=window)
        by_email = (
            count_request("password-reset-email", email, window_seconds=window) if email else 0
        )
        if (
            by_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            or by_email > settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        ):
            response = render(request, "registration/password_reset_limited.html", status=429)
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)
