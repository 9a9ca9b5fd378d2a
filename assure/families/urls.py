from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("new/", views.family_create, name="create"),
    path("<str:family_id>/", views.family_detail, name="detail"),
    path("<str:family_id>/children/", views.family_children, name="children"),
]
