from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("scheme/", views.scheme, name="scheme"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/change/", views.edit, name="edit"),
    path("new/<str:child_id>/", views.choose_type, name="choose_type"),
    path("new/<str:child_id>/<slug:decision_type>/", views.create, name="create"),
]
