from django.urls import path

from . import views

prefix = "cases/<str:case_id>/documents/"
urlpatterns = [
    path(prefix, views.DocumentListView.as_view(), name="case-documents"),
    path(prefix + "<int:document_id>/", views.DocumentDetailView.as_view(), name="case-document"),
    path(
        prefix + "<int:document_id>/versions/", views.DocumentVersionListView.as_view(), name="case-document-versions"
    ),
    path(
        prefix + "<int:document_id>/versions/<int:number>/download/",
        views.DocumentVersionDownloadView.as_view(),
        name="case-document-download",
    ),
    path(
        prefix + "<int:document_id>/versions/<int:number>/withdraw/",
        views.DocumentVersionWithdrawView.as_view(),
        name="case-document-withdraw",
    ),
    path(prefix + "<int:document_id>/links/", views.DocumentLinkView.as_view(), name="case-document-links"),
    path(
        prefix + "<int:document_id>/classification/",
        views.DocumentClassificationView.as_view(),
        name="case-document-classification",
    ),
]
