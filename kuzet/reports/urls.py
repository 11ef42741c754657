"""``/report/…`` is the public side (no sign-in); ``/reports/…`` the staff side."""

from django.urls import path

from kuzet.reports import views

app_name = "reports"

urlpatterns = [
    path("report/", views.public_report, name="public_new"),
    path("report/identifiers/", views.identifiers_preview, name="identifiers_preview"),
    path("report/recover/", views.recover_link, name="recover"),
    path("report/receipt/<str:tracking_number>/<str:secret>/", views.receipt, name="receipt"),
    path("report/track/<str:tracking_number>/<str:secret>/", views.track, name="track"),
    path("reports/", views.queue, name="queue"),
    path("reports/new/", views.staff_report, name="staff_new"),
    path("reports/<uuid:public_id>/", views.detail, name="detail"),
    path(
        "reports/<uuid:public_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "reports/<uuid:public_id>/attachments/<int:attachment_id>/preview/",
        views.attachment_preview,
        name="attachment_preview",
    ),
]
