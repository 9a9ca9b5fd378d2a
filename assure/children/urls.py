from django.urls import path

from . import views

app_name = "children"

urlpatterns = [
    path("", views.child_list, name="list"),
    path("<str:child_id>/", views.child_detail, name="detail"),
    path("<str:child_id>/access/", views.child_access, name="access"),
]
