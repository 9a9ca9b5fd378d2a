from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("sign-in/code/", views.two_factor, name="two_factor"),
    path("sign-in/council-account/", views.sso_outcome, name="sso_outcome"),
    path("account/authenticator/", views.two_factor_setup, name="two_factor_setup"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/tokens/<int:pk>/renew/", views.token_renew, name="token_renew"),
]
