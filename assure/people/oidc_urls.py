"""Single sign-on's two addresses, under /oidc/ when OIDC_ENABLED: the start (mozilla-django-
oidc's view: state, nonce and the PKCE challenge in the session) and Assure's own return.
The names are mozilla-django-oidc's, which the middleware leaves open before sign-in."""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import views

urlpatterns = [
    path("authenticate/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", views.sso_callback, name="oidc_authentication_callback"),
]
