from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.trail_export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("verify/<int:pk>/evidence/", views.verification_evidence, name="verification_evidence"),
]
