from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.panel_list, name="list"),
    path("review/", views.arrangements_review, name="review"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("<slug:slug>/", views.panel_detail, name="detail"),
]
