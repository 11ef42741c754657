from django.urls import path

from kuzet.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_password, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path("members/<int:membership_id>/disable/", views.member_disable, name="member_disable"),
    path("api-clients/<uuid:public_id>/revoke/", views.api_client_revoke, name="api_client_revoke"),
]
