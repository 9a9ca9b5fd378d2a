from django.urls import path

from . import views
from .ssda903 import pages as ssda903_pages

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("uploads/<int:upload_id>/", views.upload_detail, name="upload"),
    path("uploads/<int:upload_id>/problems.csv", views.upload_problems, name="problems"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("templates/<str:name>.csv", views.template_csv, name="template"),
    path("903/rules/", ssda903_pages.rules_page, name="rules_903"),
    path("uploads/<int:upload_id>/council/", ssda903_pages.upload_council, name="council"),
]
