from django.urls import path

from kuzet.blocking import views

app_name = "blocking"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:message_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
