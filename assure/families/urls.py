from django.urls import path

from . import review_views, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("new/", views.family_create, name="create"),
    path("<str:family_id>/", views.family_detail, name="detail"),
    path("<str:family_id>/children/", views.family_children, name="children"),
    path("<str:family_id>/chronology.csv", views.family_chronology_csv, name="chronology_csv"),
    path("<str:family_id>/reviews/new/", review_views.review_create, name="review_create"),
    path("<str:family_id>/reviews/<int:review_id>/", review_views.review_detail, name="review"),
    path(
        "<str:family_id>/reviews/<int:review_id>/recommendations/<int:recommendation_id>/",
        review_views.recommendation_edit,
        name="review_recommendation",
    ),
    path(
        "<str:family_id>/reviews/<int:review_id>/annotate/",
        review_views.review_annotate,
        name="review_annotate",
    ),
]
