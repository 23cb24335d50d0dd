from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("cases/<int:pk>/", views.case_documents, name="case"),
    path("cases/<int:pk>/<int:document_id>/", views.document_detail, name="detail"),
    path("cases/<int:pk>/<int:document_id>/versions/", views.version_add, name="version_add"),
    path("cases/<int:pk>/<int:document_id>/versions/<int:number>/withdraw/", views.version_withdraw, name="withdraw"),
    path("cases/<int:pk>/<int:document_id>/versions/<int:number>/download/", views.download, name="download"),
    path("cases/<int:pk>/<int:document_id>/classification/", views.reclassify, name="reclassify"),
]
