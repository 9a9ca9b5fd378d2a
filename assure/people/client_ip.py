"""The address a sign-in attempt came from, for the lockout (django-axes).

Behind a reverse proxy every connection comes from the proxy, so the lockout would count
attempts per user name only and anyone could lock anyone's account. With TRUSTED_PROXIES set
to the number of proxies in front of Assure, the client is the address that many hops from
the right of X-Forwarded-For: each trusted proxy appends the address it received the request
from, so anything further left was written by the client and cannot be trusted.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXIES
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]
