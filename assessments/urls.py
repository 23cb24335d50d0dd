from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("cases/<int:pk>/", views.case_assessments, name="case"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/report/", views.assessment_report, name="report"),
    path("<int:assessment_id>/<slug:action>/", views.assessment_act, name="act"),
    path("<int:assessment_id>/<slug:action>/<str:code>/", views.assessment_act, name="act_item"),
    path("consultations/<int:consultation_id>/", views.consultation, name="consultation"),
]
