from datetime import timedelta

import pytest
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentVersion
from documents.tasks import purge_bin
from thrive.models import AuditEvent, Role

from ...factories import make_case, person
from ..conftest import stored_files
from .conftest import checked, other_pdf
from .factories import make_document


def test_upload_names_the_document_by_the_convention_and_keeps_version_one(case, worker, media):
    document = services.upload_document(
        by=worker, case=case, checked=checked("family plan.pdf"), title="Family plan"
    )

    today = timezone.localdate().strftime("%d%m%y")
    assert document.name == f"{case.thrive_id}-{today}-FamilyPlan.pdf"
    assert document.service == case.service
    assert document.current_version.number == 1
    assert (media / document.current_version.file).read_bytes() == checked().open().read()
    assert AuditEvent.objects.filter(action="document_uploaded", object_id=str(document.pk))


def test_a_name_already_following_the_convention_is_not_prefixed_twice(case, worker):
    name = f"{case.thrive_id}-210116-ETHFamilyPlan.pdf"

    document = services.upload_document(by=worker, case=case, checked=checked(name))

    assert document.name == name


def test_the_same_file_on_the_same_case_is_not_stored_again(case, worker, media):
    first = services.upload_document(by=worker, case=case, checked=checked())

    with pytest.raises(services.DuplicateDocument) as refused:
        services.upload_document(by=worker, case=case, checked=checked("copy.pdf"))

    assert refused.value.existing == first
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_the_same_file_may_go_on_another_case(case, second_case, worker):
    services.upload_document(by=worker, case=case, checked=checked())

    services.upload_document(by=worker, case=second_case, checked=checked())

    assert Document.objects.count() == 2


def test_a_failed_database_write_leaves_no_stored_file(case, worker, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.audit, "record", fail)

    with pytest.raises(RuntimeError):
        services.upload_document(by=worker, case=case, checked=checked())

    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert stored_files(media) == []


def test_a_failed_new_version_leaves_no_stored_file(case, worker, media, monkeypatch):
    document = services.upload_document(by=worker, case=case, checked=checked())
    monkeypatch.setattr(services.audit, "record", lambda *a, **k: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        services.add_version(document, by=worker, checked=checked("v2.pdf", other_pdf()))

    assert document.versions.count() == 1
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("who", ["other_worker", "officer", "other_manager"])
def test_only_the_cases_worker_and_managers_may_upload(request, case, who):
    with pytest.raises(services.DocumentActionRefused):
        services.upload_document(by=request.getfixturevalue(who), case=case, checked=checked())


def test_the_manager_may_upload(case, manager):
    assert services.upload_document(by=manager, case=case, checked=checked())


def test_nothing_is_added_to_an_archived_case(case, manager):
    case.archived_at = timezone.now()
    case.save()

    with pytest.raises(services.DocumentActionRefused):
        services.upload_document(by=manager, case=case, checked=checked())


def test_a_new_version_keeps_the_old_one(case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())
    first = document.current_version

    version = services.add_version(document, by=worker, checked=checked("v2.pdf", other_pdf()))

    document.refresh_from_db()
    assert version.number == 2
    assert document.current_version == version
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    assert document.sha256 == version.sha256 != first.sha256


def test_a_new_version_of_another_type_changes_the_names_extension(case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked("plan.pdf"))

    services.add_version(document, by=worker, checked=checked("plan.docx"))

    document.refresh_from_db()
    assert document.name.endswith("-Plan.docx")
    assert document.kind == "word"


def test_the_same_file_is_not_a_new_version(case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked())

    with pytest.raises(services.DocumentActionRefused, match="same as the current"):
        services.add_version(document, by=worker, checked=checked())


def test_manager_relinks_a_document_with_no_thrive_id(ashford, case, manager):
    document = services.upload_document(
        by=None,
        service=ashford,
        checked=checked(),
        name="TEST19-020316-BFprogresslog.pdf",
        imported=True,
    )

    services.edit_properties(document, by=manager, title="Progress log", case=case)

    document.refresh_from_db()
    assert document.case == case
    assert document.name == f"{case.thrive_id}-020316-BFprogresslog.pdf"
    assert document.title == "Progress log"
    event = AuditEvent.objects.get(action="document_properties_edited")
    assert event.note == f"Thrive ID no Thrive ID to {case.thrive_id}, title"


def test_workers_cannot_edit_properties(case, worker):
    document = make_document(case)

    with pytest.raises(services.DocumentActionRefused):
        services.edit_properties(document, by=worker, title="x", case=case)


def test_a_document_cannot_be_linked_to_another_services_case(case, manager, foreign_case):
    document = make_document(case)

    with pytest.raises(services.DocumentActionRefused):
        services.edit_properties(document, by=manager, title="", case=foreign_case)


def test_worker_deletes_to_the_bin_and_only_a_manager_restores(case, worker, manager):
    document = make_document(case)

    services.move_to_bin(document, by=worker)
    with pytest.raises(services.DocumentActionRefused):
        services.restore(document, by=worker)
    services.restore(document, by=manager)

    document.refresh_from_db()
    assert document.deleted_at is None
    assert AuditEvent.objects.filter(action="document_moved_to_bin").exists()
    assert AuditEvent.objects.filter(action="document_restored").exists()


def test_nothing_is_purged_before_thirty_days_in_the_bin(case, manager):
    document = make_document(case)
    services.move_to_bin(document, by=manager)

    with pytest.raises(services.DocumentActionRefused):
        services.purge(document)
    assert purge_bin() == 0


def test_the_bin_is_purged_after_thirty_days_files_included(
    case, worker, media, django_capture_on_commit_callbacks
):
    document = services.upload_document(by=worker, case=case, checked=checked())
    services.add_version(document, by=worker, checked=checked("v2.pdf", other_pdf()))
    Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_bin() == 1

    assert not Document.objects.exists()
    assert stored_files(media) == []
    assert AuditEvent.objects.filter(action="document_purged").exists()


def test_visible_documents_follow_the_cases(
    ashford, case, second_case, worker, other_worker, manager, officer, other_manager
):
    on_case = make_document(case)
    unlinked = make_document(service=ashford)
    second_case.worker = other_worker
    second_case.save()
    on_second = make_document(second_case)

    def visible(user):
        return set(Document.objects.visible_to(user))

    assert visible(worker) == {on_case}
    assert visible(other_worker) == {on_second}
    assert visible(manager) == {on_case, unlinked, on_second}
    assert visible(officer) == {on_case, on_second}
    assert visible(other_manager) == set()
    assert visible(person(Role.SYSTEM_ADMIN)) == set()


def test_a_case_in_another_service_with_the_same_id_style_is_not_seen(foreign_case, manager):
    make_document(foreign_case)
    make_document(make_case(foreign_case.service))

    assert not Document.objects.visible_to(manager).exists()


def test_people_cannot_upload_with_no_thrive_id(ashford, manager):
    with pytest.raises(services.DocumentActionRefused):
        services.upload_document(by=manager, service=ashford, checked=checked())


def test_two_people_uploading_the_same_file_at_once_get_one_document(
    case, worker, manager, media, monkeypatch
):
    real = services.find_duplicate
    services.upload_document(by=manager, case=case, checked=checked())
    calls = []

    def not_yet(**kwargs):  # the other upload committed after this one looked
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "find_duplicate", not_yet)

    with pytest.raises(services.DuplicateDocument):
        services.upload_document(by=worker, case=case, checked=checked())

    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_relinking_onto_a_case_that_has_the_same_file_is_refused(ashford, case, worker, manager):
    services.upload_document(by=worker, case=case, checked=checked())
    copy = services.upload_document(
        by=None, service=ashford, checked=checked(), name="copy.pdf", imported=True
    )

    with pytest.raises(services.DocumentActionRefused, match="already on case"):
        services.edit_properties(copy, by=manager, title="", case=case)


def test_restoring_a_file_that_is_on_the_case_again_is_refused(case, worker, manager):
    first = services.upload_document(by=worker, case=case, checked=checked())
    services.move_to_bin(first, by=worker)
    services.upload_document(by=worker, case=case, checked=checked())

    with pytest.raises(services.DocumentActionRefused, match="already on case"):
        services.restore(first, by=manager)


def test_the_bin_is_emptied_daily_by_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["documents-purge-bin"]

    assert schedule["task"] == "documents.tasks.purge_bin"


def test_files_left_behind_by_a_crashed_upload_are_swept(case, worker, media):
    import os
    import time

    from documents.tasks import sweep_orphan_files
    from documents.uploads import store_checked_upload

    kept = services.upload_document(by=worker, case=case, checked=checked())
    orphan = store_checked_upload(checked("lost.pdf", other_pdf()), prefix="case-documents")
    fresh = store_checked_upload(checked("new.pdf", other_pdf(b"new")), prefix="case-documents")
    # Ages by this process's clock, which a test may have moved away from the file system's.
    now = time.time()
    day_ago = now - 25 * 3600
    for name in (orphan, kept.current_version.file):
        os.utime(media / name, (day_ago, day_ago))
    os.utime(media / fresh, (now, now))

    assert sweep_orphan_files() == 1

    assert not (media / orphan).exists()
    assert (media / fresh).exists()
    assert (media / kept.current_version.file).exists()


def test_portal_files_left_behind_are_swept_too(db, media):
    import os
    import time

    from documents.tasks import sweep_orphan_files
    from documents.uploads import store_checked_upload

    orphan = store_checked_upload(checked("letter.pdf", other_pdf(b"letter")), prefix="portal")
    day_ago = time.time() - 25 * 3600
    os.utime(media / orphan, (day_ago, day_ago))

    assert sweep_orphan_files() == 1
    assert not (media / orphan).exists()


def test_a_stale_edit_properties_is_refused(case, second_case, manager):
    document = make_document(case)
    opened = document.modified_at
    services.edit_properties(document, by=manager, title="First", case=case)

    with pytest.raises(services.StaleDocument) as stale:
        services.edit_properties(
            Document.objects.get(pk=document.pk),
            by=manager,
            title="Second",
            case=second_case,
            expected_modified_at=opened,
        )

    assert stale.value.current.title == "First"
    document.refresh_from_db()
    assert document.case == case


def test_edit_properties_keeps_a_version_added_meanwhile(case, second_case, worker, manager):
    document = services.upload_document(by=worker, case=case, checked=checked())
    opened_copy = Document.objects.get(pk=document.pk)
    version = services.add_version(document, by=worker, checked=checked("v2.pdf", other_pdf()))

    services.edit_properties(opened_copy, by=manager, title="Plan", case=second_case)

    document.refresh_from_db()
    assert document.current_version == version
    assert document.sha256 == version.sha256
    assert document.case == second_case
