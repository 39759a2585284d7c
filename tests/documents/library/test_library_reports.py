from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.reports import REPORTS
from thrive.models import Role

from ...factories import person
from .factories import make_document


def _report(client, slug, **params):
    response = client.get(reverse("cases:report", args=[slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_document_reports_are_in_the_reports_index(client, manager):
    client.force_login(manager)

    page = client.get(reverse("cases:reports")).content.decode()

    for title in ["Latest Documents Uploaded", "Documents with No Thrive ID"]:
        assert title in page
    assert {"latest-documents", "no-thrive-id", "documents-by-case", "possible-duplicates"} <= set(
        REPORTS
    )


def test_latest_documents_uploaded_newest_first_with_uploader(
    client, case, manager, worker, django_assert_max_num_queries
):
    now = timezone.now()
    old = make_document(case, by=worker, created_at=now - timedelta(days=3))
    new = make_document(case, by=manager, created_at=now)
    for _ in range(20):
        make_document(case, by=worker, created_at=now - timedelta(days=5))
    client.force_login(manager)

    # 12, and the read-only mode lookup on a cold cache (cached after the first request).
    with django_assert_max_num_queries(13):
        page = _report(client, "latest-documents")

    assert page.index(new.name) < page.index(old.name)
    assert "Will Kerr" in page and "Maya Green" in page


def test_latest_documents_uploaded_has_no_empty_link_for_a_document_with_no_thrive_id(
    client, ashford, manager
):
    make_document(service=ashford, name="TEST19-020316-BFprogresslog.docx")
    client.force_login(manager)

    page = _report(client, "latest-documents")

    assert "TEST19-020316-BFprogresslog.docx" in page
    assert '"></a>' not in page


def test_no_thrive_id_lists_only_unlinked_documents_of_the_service(
    client, ashford, canterbury, case, manager
):
    unlinked = make_document(service=ashford, name="TEST19-020316-BFprogresslog.docx")
    linked = make_document(case)
    foreign = make_document(service=canterbury, name="TEST2-020216-CMprogresslog.docx")
    client.force_login(manager)

    page = _report(client, "no-thrive-id")

    assert unlinked.name in page
    assert linked.name not in page
    assert foreign.name not in page
    assert reverse("documents:edit", args=[unlinked.pk]) + "?next=" in page


def test_documents_with_no_thrive_id_exports_as_csv(client, ashford, manager):
    make_document(service=ashford, name="TEST19-020316-BFprogresslog.docx")
    client.force_login(manager)

    response = client.get(
        reverse("cases:report", args=["no-thrive-id"]), {"export": "no-thrive-id", "format": "csv"}
    )

    assert b"TEST19-020316-BFprogresslog.docx" in b"".join(response.streaming_content)


def test_documents_by_case_counts_live_documents(client, case, second_case, manager):
    make_document(case)
    make_document(case)
    make_document(case, deleted_at=timezone.now())
    make_document(second_case)
    client.force_login(manager)

    page = _report(client, "documents-by-case")

    row = page[page.index(case.thrive_id) :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in row


def test_possible_duplicates_are_the_same_file_on_different_cases(
    client, case, second_case, manager
):
    first = make_document(case, content=b"same")
    second = make_document(second_case, content=b"same")
    alone = make_document(case, content=b"different")
    client.force_login(manager)

    page = _report(client, "possible-duplicates")

    assert first.name in page and second.name in page
    assert alone.name not in page


@pytest.mark.parametrize("slug", ["latest-documents", "no-thrive-id", "possible-duplicates"])
def test_other_services_documents_never_show(client, ashford, foreign_case, slug):
    make_document(foreign_case, name="FOREIGN-010126-Secret.pdf", content=b"x")
    make_document(service=foreign_case.service, name="FOREIGN-Unlinked.pdf", content=b"x")
    client.force_login(person(Role.SERVICE_MANAGER, service=ashford))

    assert "FOREIGN" not in _report(client, slug)


def test_documents_by_case_never_shows_another_services_cases(client, ashford, case, foreign_case):
    make_document(case)
    make_document(foreign_case)
    client.force_login(person(Role.SERVICE_MANAGER, service=ashford))

    page = _report(client, "documents-by-case")

    assert case.thrive_id in page
    assert foreign_case.thrive_id not in page
    assert "Count: 1" in page


def test_own_tenants_people_do_open_their_documents(client, case, manager, worker, officer):
    """Guards the isolation harness: the document URLs answer 200 for the right people."""
    document = make_document(case)

    for user in (manager, worker, officer):
        client.force_login(user)
        assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 200


def test_another_services_manager_cannot_restore(client, case, manager, other_manager):
    document = make_document(case, deleted_at=timezone.now(), deleted_by=manager)
    client.force_login(other_manager)

    assert client.post(reverse("documents:restore", args=[document.pk])).status_code == 404
    client.force_login(manager)
    assert client.post(reverse("documents:restore", args=[document.pk])).status_code == 302


def test_case_lists_open_each_cases_documents_in_place(
    client, case, second_case, worker, manager, django_assert_max_num_queries
):
    from documents import services as document_services

    from .conftest import checked, other_pdf

    first = document_services.upload_document(by=worker, case=case, checked=checked())
    second = document_services.upload_document(
        by=worker, case=case, checked=checked("Letter.pdf", other_pdf())
    )
    client.force_login(manager)

    with django_assert_max_num_queries(13):  # the same pin as every case list
        page = client.get(reverse("cases:managers_area"))

    assert "2 documents" in page.text
    assert first.name in page.text and second.name in page.text
    assert f'<span class="govuk-visually-hidden"> for {case.thrive_id}</span>' in page.text
    assert page.text.count('class="govuk-details ') == 1  # second_case has none


@pytest.mark.parametrize("slug", ["latest-documents", "no-thrive-id", "possible-duplicates"])
def test_document_reports_read_as_plain_values_show_what_documents_would(
    client, monkeypatch, ashford, case, second_case, manager, worker, slug
):
    """The document reports read their page with values_list (Table.plain_rows): each cell
    must read exactly as it would from the document itself, links, blanks and escaping
    included."""
    from documents import reports
    from thrive.ui.tables import Table

    make_document(case, by=worker, content=b"same", title='Notes & <"draft">')
    make_document(second_case, by=None, content=b"same")  # imported: no uploader
    make_document(service=ashford, by=manager, name="X-010126-Unlinked <1>.pdf")
    client.force_login(manager)

    plain = _report(client, slug)
    monkeypatch.setattr(reports, "document_table", lambda **kwargs: Table(**kwargs))
    from_documents = _report(client, slug)

    body = plain[plain.index("<tbody") : plain.index("</tbody>")]
    assert body.count('<tr class="govuk-table__row">') >= 1
    assert body == from_documents[from_documents.index("<tbody") : from_documents.index("</tbody>")]
