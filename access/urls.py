from django.urls import path

from . import oidc_views, views

app_name = "access"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    # Sign-in through the ministry's identity provider (access.oidc; 404 while off)
    path("login/oidc/", oidc_views.OIDCStartView.as_view(), name="oidc_start"),
    path("login/oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    path("login/oidc/code/", oidc_views.oidc_code_view, name="oidc_code"),
    path("instellingen/", views.settings_view, name="settings"),
]
