"""Editing in the browser through WOPI: each operation driven as an editor's server drives it
(no session, only the access token), Thrive's own rules while a document is open, and the
host page that opens the editor."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import DocumentLock
from documents.wopi import discovery, tokens
from tests.ports import free_port
from thrive.models import AuditEvent

from ..corpus import docx, pdf
from .conftest import checked
from .factories import make_document
from .wopi_editor import HOST_URL, Editor, StandInDiscovery, discovery_xml, editor_for

EDITOR_PORT = free_port()
DISCOVERY = discovery_xml(EDITOR_PORT)


@pytest.fixture
def editor(settings):
    """A stand-in editor's discovery on a loopback port, configured as WOPI_EDITOR_URL."""
    stand_in = StandInDiscovery(EDITOR_PORT)
    settings.WOPI_EDITOR_URL = stand_in.url
    settings.WOPI_HOST_URL = HOST_URL
    yield settings.WOPI_EDITOR_URL
    stand_in.close()


@pytest.fixture
def document(case, worker):
    return services.upload_document(
        by=worker, case=case, checked=checked("Visit notes.docx"), title="Visit notes"
    )


def saved(revision: int) -> bytes:
    """The document as the editor saves it after `revision` edits (a different file each)."""
    return docx(parts={"docProps/custom.xml": f"<edits>{revision}</edits>".encode()})


# --- The protocol ------------------------------------------------------------------------------


def test_check_file_info_describes_the_document_and_the_person(document, worker):
    info = editor_for(document, worker).check_file_info()

    assert info.status_code == 200
    assert info["Cache-Control"] == "private, no-store"
    facts = info.json()
    assert facts["BaseFileName"] == document.name
    assert facts["Size"] == document.size
    assert facts["UserId"] == str(worker.pk)
    assert facts["UserFriendlyName"] == "Will Kerr"
    assert facts["UserCanWrite"] is True
    assert facts["SupportsLocks"] is True
    assert facts["UserCanNotWriteRelative"] is True


def test_get_file_returns_the_current_version_and_is_audited(document, worker):
    response = editor_for(document, worker).get_file()

    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    assert AuditEvent.objects.filter(
        action="document_downloaded", object_id=str(document.pk), user=worker
    ).exists()


def test_each_save_is_a_new_version_recording_who_saved_it(document, worker, nine_am):
    editor = editor_for(document, worker)
    assert editor.lock("session-1").status_code == 200

    first = editor.put(saved(1), "session-1")
    nine_am.shift(timedelta(minutes=5))
    second = editor.put(saved(2), "session-1")

    assert (first.status_code, second.status_code) == (200, 200)
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[2].uploaded_by == worker
    assert versions[2].uploaded_at == versions[1].uploaded_at + timedelta(minutes=5)
    document.refresh_from_db()
    assert document.current_version == versions[2]
    assert b"".join(editor.get_file().streaming_content) == saved(2)
    notes = AuditEvent.objects.filter(action="document_version_added").values_list(
        "note", flat=True
    )
    assert sorted(notes) == [
        "version 2, saved in the browser editor",
        "version 3, saved in the browser editor",
    ]


def test_a_save_of_the_unchanged_file_adds_no_version(document, worker):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    opened = b"".join(editor.get_file().streaming_content)

    assert editor.put(opened, "session-1").status_code == 200
    assert document.versions.count() == 1


def test_closing_the_editor_releases_the_lock_and_is_audited(document, worker):
    editor = editor_for(document, worker)
    editor.lock("session-1")

    assert editor.unlock("session-1").status_code == 200
    assert not DocumentLock.objects.exists()
    assert AuditEvent.objects.filter(
        action="document_editing_closed", object_id=str(document.pk), user=worker
    ).exists()


def test_get_lock_answers_the_current_lock_or_nothing(document, worker):
    editor = editor_for(document, worker)
    assert editor.get_lock()["X-WOPI-Lock"] == ""

    editor.lock("session-1")

    assert editor.get_lock()["X-WOPI-Lock"] == "session-1"


@pytest.mark.parametrize("operation", ["lock", "refresh", "unlock", "put"])
def test_another_editors_lock_answers_409_with_its_lock_id(document, worker, manager, operation):
    editor_for(document, worker).lock("workers-session")
    other = editor_for(document, manager)

    call = getattr(other, operation)
    response = (
        call(saved(1), "managers-session") if operation == "put" else call("managers-session")
    )

    assert response.status_code == 409
    assert response["X-WOPI-Lock"] == "workers-session"
    assert document.versions.count() == 1
    assert DocumentLock.objects.get().lock_id == "workers-session"


def test_unlock_and_relock_needs_the_old_lock(document, worker):
    editor = editor_for(document, worker)
    editor.lock("first")

    wrong = editor.lock("second", old="not-the-lock")
    right = editor.lock("second", old="first")

    assert (wrong.status_code, wrong["X-WOPI-Lock"]) == (409, "first")
    assert right.status_code == 200
    assert DocumentLock.objects.get().lock_id == "second"


def test_a_save_without_the_lock_is_refused_with_409(document, worker):
    response = editor_for(document, worker).put(saved(1), "never-locked")

    assert response.status_code == 409
    assert response["X-WOPI-Lock"] == ""
    assert document.versions.count() == 1


def test_refreshing_keeps_the_lock_beyond_its_first_30_minutes(document, worker, manager, nine_am):
    editor_for(document, worker).lock("workers-session")
    nine_am.shift(timedelta(minutes=25))
    assert editor_for(document, worker).refresh("workers-session").status_code == 200
    nine_am.shift(timedelta(minutes=25))

    assert editor_for(document, manager).lock("managers-session").status_code == 409


def test_a_lock_left_behind_expires_after_30_minutes(document, worker, manager, nine_am):
    editor_for(document, worker).lock("abandoned")
    nine_am.shift(timedelta(minutes=31))

    assert editor_for(document, manager).get_lock()["X-WOPI-Lock"] == ""
    assert editor_for(document, manager).lock("managers-session").status_code == 200
    assert DocumentLock.objects.get().held_by == manager


@pytest.mark.parametrize("override", ["PUT_RELATIVE", "RENAME_FILE", "DELETE"])
def test_save_as_rename_and_delete_are_not_supported(document, worker, override):
    editor = editor_for(document, worker)

    response = editor._post(editor.file, override, **{"X-WOPI-SuggestedTarget": "copy.docx"})

    assert response.status_code == 501
    assert document.versions.count() == 1


# --- The content checks ------------------------------------------------------------------------


def test_a_save_the_content_check_refuses_is_refused_with_the_reason(document, worker):
    editor = editor_for(document, worker)
    editor.lock("session-1")

    response = editor.put(pdf(), "session-1")  # a PDF saved as the .docx

    assert response.status_code == 400
    assert "docx" in response["X-WOPI-ServerError"]
    document.refresh_from_db()
    assert document.versions.count() == 1
    assert document.current_version.number == 1


def test_a_save_larger_than_the_upload_limit_answers_413(document, worker, small_limit):
    editor = editor_for(document, worker)
    editor.lock("session-1")

    response = editor.put(b"x" * (small_limit + 1), "session-1")

    assert response.status_code == 413
    assert document.versions.count() == 1


# --- The access token --------------------------------------------------------------------------


def test_an_expired_token_is_refused(document, worker, nine_am, settings):
    editor = editor_for(document, worker)
    nine_am.shift(timedelta(minutes=settings.WOPI_TOKEN_MINUTES + 1))

    assert editor.check_file_info().status_code == 401
    assert editor.lock("late").status_code == 401


def test_a_token_lasts_wopi_token_minutes(document, worker, nine_am, settings):
    settings.WOPI_TOKEN_MINUTES = 60
    token = tokens.issue(document_id=document.pk, user=worker)

    assert token.ttl_milliseconds == 1_796_119_200_000  # 10:00 on 1 December 2026, UTC
    nine_am.shift(timedelta(minutes=59))
    assert Editor(document, token.token).check_file_info().status_code == 200
    nine_am.shift(timedelta(minutes=2))
    assert Editor(document, token.token).check_file_info().status_code == 401


def test_a_token_for_one_document_reaches_no_other(case, worker, document, foreign_case):
    other_document = services.upload_document(
        by=worker, case=case, checked=checked("Plan.docx", saved(0))
    )
    foreign = make_document(foreign_case)
    token = tokens.issue(document_id=document.pk, user=worker).token

    for target in (other_document, foreign):
        editor = Editor(target, token)
        assert editor.check_file_info().status_code == 401
        assert editor.get_file().status_code == 401
        assert editor.lock("x").status_code == 401
        assert editor.put(saved(1), "x").status_code == 401
    assert other_document.versions.count() == 1


def test_a_tampered_token_is_refused(document, worker):
    token = tokens.issue(document_id=document.pk, user=worker).token

    assert Editor(document, token[:-2] + "xx").check_file_info().status_code == 401
    assert Editor(document, "").check_file_info().status_code == 401


def test_a_signed_in_session_is_no_access_token(client, document, worker):
    client.force_login(worker)

    assert client.get(reverse("wopi:file", args=[document.pk])).status_code == 401
    assert client.get(reverse("wopi:contents", args=[document.pk])).status_code == 401


def test_a_save_by_someone_taken_off_the_case_meanwhile_is_refused(
    document, case, worker, other_worker
):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    case.worker = other_worker
    case.save()

    assert editor.put(saved(1), "session-1").status_code == 404
    assert editor.check_file_info().status_code == 404
    assert document.versions.count() == 1


def test_an_officer_who_may_only_read_gets_no_edit_access_even_with_a_token(document, officer):
    assert editor_for(document, officer).check_file_info().status_code == 404


# --- Thrive's own rules while a document is open -----------------------------------------------


def test_while_open_upload_new_version_is_refused_naming_who_has_it(document, worker, manager):
    editor_for(document, worker).lock("session-1")

    with pytest.raises(services.DocumentOpenForEditing, match="Will Kerr has this document open"):
        services.add_version(document, by=manager, checked=checked("Other.docx", saved(9)))


def test_while_open_the_upload_new_version_page_says_who_has_it(client, document, worker, manager):
    editor_for(document, worker).lock("session-1")
    client.force_login(manager)

    response = client.post(
        reverse("documents:new_version", args=[document.pk]),
        {"file": SimpleUploadedFile("Other.docx", saved(9))},
    )

    assert response.status_code == 200
    assert "Will Kerr has this document open for editing" in response.content.decode()
    assert document.versions.count() == 1


def test_while_open_edit_properties_cannot_move_it(client, document, worker, manager, second_case):
    editor_for(document, worker).lock("session-1")
    client.force_login(manager)

    response = client.post(
        reverse("documents:edit", args=[document.pk]),
        {
            "title": "Moved",
            "thrive_id": second_case.thrive_id,
            "opened": document.modified_at.isoformat(),
        },
    )

    assert "Will Kerr has this document open for editing" in response.content.decode()
    document.refresh_from_db()
    assert document.case_id != second_case.pk


def test_while_open_delete_is_refused(client, document, worker, manager):
    editor_for(document, worker).lock("session-1")
    client.force_login(manager)

    response = client.post(reverse("documents:delete", args=[document.pk]), follow=True)

    assert "Will Kerr has this document open for editing" in response.content.decode()
    document.refresh_from_db()
    assert not document.in_bin


def test_while_open_edit_properties_may_change_the_title_but_not_move_it(
    document, worker, manager, second_case
):
    editor_for(document, worker).lock("session-1")

    services.edit_properties(document, by=manager, title="Visit notes, March", case=document.case)
    with pytest.raises(services.DocumentOpenForEditing):
        services.edit_properties(document, by=manager, title="Moved", case=second_case)


def test_a_refusal_says_since_when_and_when_a_lock_left_behind_frees_it(
    document, worker, manager, nine_am
):
    editor = editor_for(document, worker)
    editor.lock("session-1")
    nine_am.shift(timedelta(minutes=20))
    editor.refresh("session-1")  # the editor renews its lock while it is open

    with pytest.raises(services.DocumentOpenForEditing) as refusal:
        services.add_version(document, by=manager, checked=checked("Other.docx", saved(9)))

    assert str(refusal.value) == (
        "Will Kerr has this document open for editing (since 09:00). Try again when they "
        "close it; if their editor went away without closing it, the document is free again "
        "at 09:50."
    )


@pytest.mark.parametrize(
    ("change_page", "until_closed"),
    [
        ("documents:new_version", "You can upload a new version once they close it."),
        ("documents:delete", "You can delete it once they close it."),
        (
            "documents:edit",
            "You can change its title now, and move it to another case once they close it.",
        ),
    ],
)
def test_the_change_pages_say_who_has_it_open_before_anything_is_chosen(
    client, document, worker, manager, nine_am, change_page, until_closed
):
    editor_for(document, worker).lock("session-1")
    client.force_login(manager)

    response = client.get(reverse(change_page, args=[document.pk]))

    warning = response.content.decode()
    assert "Open for editing by Will Kerr since 01-Dec-2026 09:00." in warning
    assert until_closed in warning
    assert "the document is free again at 09:30" in warning


def test_the_change_pages_say_nothing_of_editing_when_no_one_has_it_open(client, document, manager):
    client.force_login(manager)

    page = client.get(reverse("documents:new_version", args=[document.pk])).content.decode()

    assert 'data-testid="document-lock"' not in page


def test_once_the_lock_expires_thrives_rules_apply_again(document, worker, manager, nine_am):
    editor_for(document, worker).lock("abandoned")
    nine_am.shift(timedelta(minutes=31))

    version = services.add_version(document, by=manager, checked=checked("Other.docx", saved(9)))

    assert version.number == 2


def test_the_document_page_shows_who_has_it_open(client, document, worker, manager):
    editor_for(document, worker).lock("session-1")
    client.force_login(manager)

    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()

    assert "Open for editing by Will Kerr" in page


# --- The editor and the host page --------------------------------------------------------------


def test_discovery_gives_the_edit_action_without_its_placeholders():
    actions = discovery.parse(DISCOVERY).actions

    assert actions["docx"] == f"http://127.0.0.1:{EDITOR_PORT}/browser/dist/cool.html?"
    assert actions["xlsx"] == f"http://127.0.0.1:{EDITOR_PORT}/calc?lang=en&"


def test_with_no_editor_configured_there_is_no_edit_button(client, document, worker, settings):
    settings.WOPI_EDITOR_URL = ""
    client.force_login(worker)

    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()

    assert "Edit in the browser" not in page
    assert client.get(reverse("documents:edit_in_browser", args=[document.pk])).status_code == 404


def test_people_who_may_edit_see_the_edit_button_and_readers_do_not(
    client, editor, document, worker, officer
):
    url = reverse("documents:detail", args=[document.pk])
    host = reverse("documents:edit_in_browser", args=[document.pk])
    client.force_login(worker)
    assert host in client.get(url).content.decode()

    client.force_login(officer)
    assert host not in client.get(url).content.decode()
    assert client.get(host).status_code == 404


def test_pdfs_are_not_offered_for_editing(client, editor, case, worker):
    document = services.upload_document(by=worker, case=case, checked=checked("Plan.pdf"))
    client.force_login(worker)

    response = client.get(reverse("documents:edit_in_browser", args=[document.pk]))

    assert response.status_code == 404


def test_the_host_page_posts_a_token_into_the_editors_frame(client, editor, document, worker):
    client.force_login(worker)

    response = client.get(reverse("documents:edit_in_browser", args=[document.pk]))

    page = response.content.decode()
    wopi_src = "https%3A%2F%2Fthrive.example.org%2Fwopi%2Ffiles%2F" + str(document.pk)
    assert f'action="{editor}/browser/dist/cool.html?WOPISrc={wopi_src}"' in page
    assert 'name="access_token_ttl"' in page
    policy = response["Content-Security-Policy"]
    assert f"frame-src {editor}" in policy
    assert f"form-action 'self' {editor}" in policy
    assert AuditEvent.objects.filter(
        action="document_editing_opened", object_id=str(document.pk), user=worker
    ).exists()
    token = re.search(r'name="access_token" value="([^"]+)"', page).group(1)
    assert Editor(document, token).check_file_info().json()["UserId"] == str(worker.pk)


def test_only_the_host_page_allows_the_editors_frame(client, editor, document, worker):
    client.force_login(worker)

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert "frame-src" not in response["Content-Security-Policy"]


def test_the_host_page_says_who_has_it_open_and_issues_no_token(
    client, editor, document, worker, manager
):
    editor_for(document, worker).lock("workers-session")
    client.force_login(manager)

    page = client.get(reverse("documents:edit_in_browser", args=[document.pk])).content.decode()

    assert "Will Kerr has this document open for editing" in page
    assert "access_token" not in page
    assert not AuditEvent.objects.filter(action="document_editing_opened").exists()
