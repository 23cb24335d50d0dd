from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/transitions/<slug:name>/", views.case_transition, name="transition"),
    path("<int:pk>/audit/", views.case_audit_trail, name="audit"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:user_id>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/team/<int:user_id>/role/", views.team_change_role, name="team_change_role"),
    path("<int:pk>/cabinet-decision/", views.cabinet_decision_record, name="decision_record"),
    path(
        "<int:pk>/cabinet-decision/<int:decision_id>/confirm/", views.cabinet_decision_confirm, name="decision_confirm"
    ),
    path("<int:pk>/cabinet-decision/<int:decision_id>/reject/", views.cabinet_decision_reject, name="decision_reject"),
    path("<int:pk>/suspend/", views.case_suspend, name="suspend"),
    path("<int:pk>/resume/", views.case_resume, name="resume"),
]
