"""Counting requests in the shared cache, for limits such as a few password-reset mails an
hour. The cache is the shared one (Redis with CACHE_URL), so every app server counts the
same requests."""

import hashlib

from django.core.cache import caches


def count_request(scope: str, key: str, *, window_seconds: int) -> int:
    """Count one request under `scope` and `key`, and return how many were counted in the
    window that began with the first of them.

    Keys are hashed, so no e-mail or client address is kept in the cache in clear text.
    """
    cache = caches["default"]
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache_key = f"rate:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The window ended between add() and incr(): this request opens the next one.
        cache.add(cache_key, 1, timeout=window_seconds)
        return 1
