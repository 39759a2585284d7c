"""The document reports at volume: Documents by case runs one GROUP BY over the service's
documents for the page and its count and fetches only the page's cases; Possible duplicate
documents counts the service's fingerprints once instead of probing for each document."""

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


def test_documents_by_case_aggregates_once_for_the_page_and_its_count(
    client, ashford, officer, manager, django_assert_num_queries
):
    _cases_with_documents(ashford, officer, 60)
    client.force_login(manager)
    _page(client)  # the read-only mode lookup, cached from here on

    # The session (unless it is cached), the person with their roles, the GROUP BY over the
    # service's documents (which also gives the count of pages) and the page's cases by id.
    with django_assert_num_queries(session_queries() + 3):
        response = _page(client, page=2)

    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row"') == 10  # cases 51 to 60


def test_documents_by_case_runs_one_aggregate_on_the_second_page(client, ashford, officer, manager):
    _cases_with_documents(ashford, officer, 60)
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        _page(client, page=2)

    aggregates = [
        q["sql"]
        for q in queries.captured_queries
        if "GROUP BY" in q["sql"] and 'FROM "documents_document"' in q["sql"]
    ]
    assert len(aggregates) == 1


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


def test_possible_duplicates_are_found_by_counting_fingerprints_once(
    client, ashford, officer, manager
):
    first, second, third = (make_case(ashford, referred_by=officer) for _ in range(3))
    make_document(first, content=b"same")
    make_document(second, content=b"same")
    make_document(third, content=b"alone")
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:report", args=["possible-duplicates"])).content.decode()

    assert page.count("-010126-Document") == 2
    [listing] = [
        q["sql"]
        for q in queries.captured_queries
        if "GROUP BY" in q["sql"] and "sha256" in q["sql"]
    ]
    assert "EXISTS" not in listing  # one grouping of the service's fingerprints, not a probe a row
