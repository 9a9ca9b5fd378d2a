from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.home, name="home"),
    path("retention/", views.retention_report, name="report"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:kind>/", views.rule_change, name="rule_change"),
    path("deletions/", views.deletions, name="deletions"),
    path("deletions/propose/", views.deletion_propose, name="propose"),
    path("deletions/<int:pk>/", views.deletion_detail, name="deletion"),
    path("holds/", views.holds, name="holds"),
    path("holds/child/<str:child_id>/", views.child_holds, name="child_holds"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("subject-access/<str:child_id>/", views.subject_access_child, name="subject_access_child"),
]
