"""The project's URLs as they are with single sign-on switched on (settings.OIDC_ENABLED)."""

from django.urls import include, path

from assure.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [*urlpatterns, path("oidc/", include("assure.people.oidc_urls"))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
