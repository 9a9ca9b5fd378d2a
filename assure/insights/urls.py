from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("exits/", views.exits_page, name="exits"),
    path("exits/<slug:slug>.csv", views.exits_csv, name="exits_csv"),
]
