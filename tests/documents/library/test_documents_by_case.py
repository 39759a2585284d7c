"""The document reports at volume read a page and a kept count (documents/counts.py), never
every document of the service: Documents by case reads a page of count rows and that page's
cases; Possible duplicate documents walks the kept fingerprints; Latest Documents Uploaded
takes its count from the service's total."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...factories import make_case, session_queries
from .factories import make_document


def _cases_with_documents(ashford, officer, count):
    """`count` cases with one, two or three documents in turn."""
    cases = [make_case(ashford, referred_by=officer) for _ in range(count)]
    for index, case in enumerate(cases):
        for _ in range(1 + index % 3):
            make_document(case)
    return cases


def _page(client, **params):
    return client.get(reverse("cases:report", args=["documents-by-case"]), params)


def _document_queries(queries):
    return [q["sql"] for q in queries.captured_queries if '"documents_document"' in q["sql"]]


def test_documents_by_case_reads_a_page_of_counts_and_never_the_documents(
    client, ashford, officer, manager, django_assert_num_queries
):
    _cases_with_documents(ashford, officer, 60)
    client.force_login(manager)
    _page(client)  # the read-only mode lookup, cached from here on

    # The session (unless it is cached), the person with their roles, the service's kept
    # number of cases with documents, the page of count rows and the page's cases by id.
    # (One more than when the count was the length of every case's aggregate, run once.)
    with django_assert_num_queries(session_queries() + 4) as queries:
        response = _page(client, page=2)

    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row"') == 10  # cases 51 to 60
    assert "Count: 60" in response.content.decode()
    assert _document_queries(queries) == []


def test_documents_by_case_for_an_ehps_officer_counts_their_districts_cases(
    client, ashford, officer
):
    cases = _cases_with_documents(ashford, officer, 3)
    client.force_login(officer)

    page = _page(client).content.decode()

    assert "Count: 3" in page
    assert all(case.thrive_id in page for case in cases)


def test_documents_by_case_downloads_every_case_with_its_count(client, ashford, officer, manager):
    cases = _cases_with_documents(ashford, officer, 3)
    client.force_login(manager)

    response = _page(client, export="documents-by-case", format="csv")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert (
        lines[0]
        .lstrip("\ufeff")
        .startswith("Thrive ID,Family second name(s),Documents,Latest upload")
    )
    assert [line.split(",")[2] for line in lines[1:]] == ["3", "2", "1"]
    assert {line.split(",")[0] for line in lines[1:]} == {case.thrive_id for case in cases}


def test_documents_by_case_lists_the_most_documents_first_and_sorts_by_thrive_id(
    client, ashford, officer, manager
):
    cases = _cases_with_documents(ashford, officer, 6)
    client.force_login(manager)

    most_first = _page(client).content.decode()
    by_thrive_id = _page(client, sort="thrive_id").content.decode()

    three = [c.thrive_id for i, c in enumerate(cases) if i % 3 == 2]
    one = [c.thrive_id for i, c in enumerate(cases) if i % 3 == 0]
    assert max(most_first.index(t) for t in three) < min(most_first.index(t) for t in one)
    ordered = sorted(c.thrive_id for c in cases)
    positions = [by_thrive_id.index(f">{t}<") for t in ordered]
    assert positions == sorted(positions)


def test_possible_duplicates_are_read_from_the_kept_fingerprints(client, ashford, officer, manager):
    first, second, third = (make_case(ashford, referred_by=officer) for _ in range(3))
    make_document(first, content=b"same")
    make_document(second, content=b"same")
    make_document(third, content=b"alone")
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:report", args=["possible-duplicates"])).content.decode()

    assert page.count("-010126-Document") == 2
    [listing] = _document_queries(queries)
    assert "GROUP BY" not in listing  # the service's documents are not grouped any more
    assert '"documents_possibleduplicate"' in listing


def test_latest_documents_are_counted_from_the_services_total(client, case, manager):
    for _ in range(51):
        make_document(case)
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:report", args=["latest-documents"])).content.decode()

    assert "Count: 51" in page
    assert not [sql for sql in _document_queries(queries) if "COUNT(" in sql.upper()]


def test_documents_by_case_by_family_name_pages_through_the_cases_with_documents(
    client, ashford, officer, manager, django_assert_num_queries
):
    families = ["Young", "Adams", "Moss", "Baker", "Khan"]
    cases = [make_case(ashford, referred_by=officer, family_names=name) for name in families]
    for case in cases:
        make_document(case)
    make_case(ashford, referred_by=officer, family_names="Able")  # no documents: not listed
    archived = cases[2]
    archived.archived_at = archived.created_at
    archived.save()  # an archived case's documents still count
    client.force_login(manager)
    _page(client)

    # The session, the person, the page of cases in order and that page's counts (all fit on
    # one page, so nothing is counted): as many as the most-documents order.
    with django_assert_num_queries(session_queries() + 3):
        first = _page(client, sort="family").content.decode()
    backwards = _page(client, sort="-family").content.decode()

    assert "Count: 5" in first and "Able" not in first
    ordered = sorted(families)
    positions = [backwards.index(f">{name}<") for name in reversed(ordered)]
    assert positions == sorted(positions)


def test_an_ehps_officer_has_no_documents_without_a_thrive_id_and_nothing_is_read(
    client, ashford, officer, manager
):
    make_document(None, service=ashford)  # unlinked: the service's managers' to fix
    client.force_login(officer)
    url = reverse("cases:report", args=["no-thrive-id"])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()

    assert "Every document has a Thrive ID." in page
    assert _document_queries(queries) == []
    client.force_login(manager)
    assert "Every document has a Thrive ID." not in client.get(url).content.decode()


def _newest_first(page: str, documents) -> list:
    """The documents the page lists, in the order it lists them."""
    listed = [d for d in documents if f"-Document{d.title.split()[-1]}.pdf" in page]
    return sorted(listed, key=lambda d: page.index(f"-Document{d.title.split()[-1]}.pdf"))


def test_an_ehps_officers_latest_documents_are_their_districts_newest_page_by_page(
    client, ashford, officer
):
    from datetime import timedelta

    from django.utils import timezone

    from thrive.models import District

    from ...factories import ServiceFactory

    start = timezone.now() - timedelta(days=100)
    at = [start + timedelta(hours=n) for n in range(240)]
    # 120 cases with one document each, every other hour, and one case with 30 documents in
    # the hours between the oldest 30: page 2 holds some of the busy case's documents, whose
    # case's latest upload is older than the first page's cases'.
    singles = [make_case(ashford, referred_by=officer) for _ in range(120)]
    documents = [make_document(case, created_at=at[2 * i]) for i, case in enumerate(singles)]
    busy = make_case(ashford, referred_by=officer)
    documents += [make_document(busy, created_at=at[2 * j + 1]) for j in range(30)]
    elsewhere = make_case(ServiceFactory(district=District.CANTERBURY))
    make_document(elsewhere, created_at=at[-1])  # the newest, but not the officer's
    newest = sorted(documents, key=lambda d: d.created_at, reverse=True)
    client.force_login(officer)
    url = reverse("cases:report", args=["latest-documents"])

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    read = _document_queries(queries)  # before the next request clears what was captured
    second = client.get(url, {"page": 2}).content.decode()

    assert "Count: 150" in first  # the district's kept total, not a count of its documents
    assert read and not [sql for sql in read if "COUNT(" in sql.upper()]
    assert _newest_first(first, documents) == newest[:50]
    assert _newest_first(second, documents) == newest[50:100]
    assert busy.thrive_id in second
    download = client.get(url, {"export": "latest-documents", "format": "csv"})
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 150


def test_an_ehps_officer_sees_the_possible_duplicates_on_their_districts_cases(
    client, ashford, officer
):
    from thrive.models import District

    from ...factories import ServiceFactory

    first, second = (make_case(ashford, referred_by=officer) for _ in range(2))
    make_document(first, content=b"same")
    make_document(second, content=b"same")
    canterbury = ServiceFactory(district=District.CANTERBURY)
    there = [make_case(canterbury) for _ in range(2)]
    for case in there:
        make_document(case, content=b"theirs")
    client.force_login(officer)

    page = client.get(reverse("cases:report", args=["possible-duplicates"])).content.decode()

    assert page.count("-010126-Document") == 2
    assert first.thrive_id in page and second.thrive_id in page
    assert not any(case.thrive_id in page for case in there)


def test_an_ehps_officers_possible_duplicates_are_read_a_page_of_fingerprints_at_a_time(
    client, ashford, officer
):
    from thrive.models import District

    from ...factories import ServiceFactory

    cases = [make_case(ashford, referred_by=officer) for _ in range(3)]
    # 50 files on two cases each, a fifth of them on a third: 110 possible duplicates, and
    # 20 files on one case only, which are not.
    duplicates = []
    for number in range(50):
        for case in cases if number % 5 == 0 else cases[:2]:
            duplicates.append(make_document(case, content=f"file {number}".encode()))
    for number in range(20):
        make_document(cases[2], content=f"single {number}".encode())
    # Another service of the district holds one of the files twice: its two are listed too,
    # with the first service's, in the same place of the order.
    neighbour = ServiceFactory(district=ashford.district)
    duplicates += [make_document(make_case(neighbour), content=b"file 7") for _ in range(2)]
    elsewhere = ServiceFactory(district=District.CANTERBURY)
    for _ in range(2):  # another district's: never the officer's
        make_document(make_case(elsewhere), content=b"file 8")
    in_order = sorted(duplicates, key=lambda d: (d.sha256, d.pk))
    client.force_login(officer)
    url = reverse("cases:report", args=["possible-duplicates"])

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    read = _document_queries(queries)
    pages = [first] + [client.get(url, {"page": n}).content.decode() for n in (2, 3)]

    assert "Count: 112" in first  # the district's kept total, not a count of its documents
    assert not [sql for sql in read if "COUNT(" in sql.upper()]
    [listing] = read
    assert '"documents_document"."sha256" IN (' in listing  # the page's fingerprints only
    assert [_newest_first(page, duplicates) for page in pages] == [
        in_order[:50],
        in_order[50:100],
        in_order[100:],
    ]
    download = client.get(url, {"export": "possible-duplicates", "format": "csv"})
    assert len(b"".join(download.streaming_content).decode().splitlines()) == 1 + 112
