from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("access-report/", views.access_report, name="access_report"),
    path("emails/", views.email_deliveries, name="email_deliveries"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
