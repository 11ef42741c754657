from django.urls import path

from kuzet.blocking import views

app_name = "blocking"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:message_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("held-back/", views.held_back, name="held_back"),
    path("held-back/<uuid:public_id>/release/", views.release, name="release"),
]
