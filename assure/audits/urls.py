from django.urls import path

from . import family_views, views

app_name = "audits"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("allocate/", views.allocate, name="allocate"),
    path("lead/", views.lead_tools, name="lead"),
    path("workload/", views.workload, name="workload"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("actions/<int:pk>/complete/", views.complete_action, name="complete_action"),
    path("actions/<int:pk>/agree/", views.agree_action, name="agree_action"),
    path("moderation/", views.moderation, name="moderation"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:slug>/", views.template_detail, name="template"),
    path("templates/<slug:slug>/questions/<slug:key>/", views.question_edit, name="question_edit"),
    path("settings/", views.audit_settings, name="settings"),
    path("family/new/", family_views.family_audit_new, name="family_new"),
    path("family/<int:pk>/", family_views.family_audit_detail, name="family_detail"),
    path(
        "family/<int:pk>/sections/<int:section>/",
        family_views.family_save_section,
        name="family_save_section",
    ),
    path("family/<int:pk>/findings/", family_views.family_add_finding, name="family_add_finding"),
    path("family/<int:pk>/transition/", family_views.family_transition, name="family_transition"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<int:section>/", views.save_section, name="save_section"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/findings/", views.add_finding, name="add_finding"),
    path("<int:pk>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/contributions/", views.contribute, name="contribute"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/regrade/", views.regrade, name="regrade"),
]
