from django.urls import path

from .views import OwnTokenView

urlpatterns = [
    path("auth/token/", OwnTokenView.as_view(), name="auth-token"),
]
