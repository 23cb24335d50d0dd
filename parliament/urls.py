from django.urls import path

from . import views

app_name = "parliament"
urlpatterns = [
    path("", views.letters, name="letters"),
    path("<int:letter_id>/", views.letter, name="letter"),
    path("<int:letter_id>/edit/", views.letter_edit, name="edit"),
    path("<int:letter_id>/download/<slug:fmt>/", views.letter_download, name="download"),
    path("<int:letter_id>/<slug:action>/", views.letter_act, name="act"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/status/", views.report_status, name="report_status"),
    path("reports/<int:report_id>/download/<slug:fmt>/", views.report_download, name="report_download"),
]
