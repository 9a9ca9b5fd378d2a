from django.urls import path

from . import views

app_name = "tracker"

urlpatterns = [
    path("", views.tracker_page, name="page"),
    path("print/", views.tracker_print, name="print"),
    path("export.<str:fmt>", views.tracker_export, name="export"),
    path("views/", views.saved_view_save, name="save_view"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="delete_view"),
    path("rules/", views.rules_page, name="rules"),
]
