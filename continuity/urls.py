from django.urls import path

from . import apply_views, offline_views, record_views, structured_views, views

app_name = "continuity"

urlpatterns = [
    path("read-only/", views.read_only_mode, name="read_only"),
    path("unavailable/", views.portal_holding_page, name="portal_holding"),
    # Downtime records, the Downtime tracker and the re-entry queue.
    path("tracker/", record_views.tracker, name="tracker"),
    path("re-entry/", record_views.re_entry, name="re_entry"),
    path("offline/", offline_views.offline_tracker, name="offline"),
    path("offline/sw.js", offline_views.service_worker, name="offline_sw"),
    path("offline/manifest.webmanifest", offline_views.manifest, name="offline_manifest"),
    path("offline/status/", offline_views.status, name="offline_status"),
    path("offline/records/", offline_views.receive, name="offline_receive"),
    path("records/start/", structured_views.start_record, name="record_start"),
    path("records/new/", record_views.add_record, name="record_add"),
    path("records/carried/", structured_views.record_carried, name="record_carried"),
    path(
        "records/new/<slug:kind>/", structured_views.add_structured_record, name="record_add_kind"
    ),
    path("records/<int:pk>/", record_views.record_detail, name="record"),
    path("records/<int:pk>/change/", record_views.change_record, name="record_change"),
    path(
        "records/<int:pk>/correct/",
        structured_views.change_structured_record,
        name="record_change_kind",
    ),
    path("records/<int:pk>/apply/", apply_views.apply_record, name="record_apply"),
    path("records/apply/", apply_views.apply_many, name="records_apply"),
    path("records/<int:pk>/entered/", record_views.mark_entered, name="record_entered"),
    path("records/<int:pk>/not-entered/", record_views.mark_not_entered, name="record_not_entered"),
]
