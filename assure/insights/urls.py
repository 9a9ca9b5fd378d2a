from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("exits/", views.exits_page, name="exits"),
    path("exits/methods/", views.methods_page, name="methods"),
    path("exits/<slug:slug>.csv", views.exits_csv, name="exits_csv"),
    path("evidence/", views.evidence_list, name="evidence"),
    path("evidence/matrix/", views.evidence_matrix, name="matrix"),
    path("evidence/add/", views.evidence_add, name="evidence_add"),
    path("evidence/import/", views.evidence_import, name="evidence_import"),
    path("evidence/template.csv", views.evidence_template, name="evidence_template"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path("recommendations/merge/", views.recommendation_merge, name="recommendation_merge"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/report/", views.plan_report, name="plan_report"),
    path("plan/streams/<int:pk>/", views.work_stream_edit, name="work_stream"),
    path("plan/actions/<int:pk>/", views.action_detail, name="action"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/monthly/", views.monthly_report, name="monthly_report"),
    path("reports/stage-review/", views.stage_review_report, name="stage_review"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/rebases/<int:pk>/withdraw/", views.rebase_withdraw, name="rebase_withdraw"),
    path("settings/targets/<int:pk>/remove/", views.target_remove, name="target_remove"),
]
