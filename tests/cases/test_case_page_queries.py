"""The case page reads a fixed number of queries, the people it names in one of them (joined
into the case query, PostgreSQL spent far longer planning the join than running it)."""

from django.urls import reverse

from ..factories import session_queries


def test_the_case_page_loads_its_people_in_one_query(
    client, open_case, manager, django_assert_num_queries
):
    url = reverse("cases:detail", args=[open_case.thrive_id])
    client.force_login(manager)
    client.get(url)  # the read-only mode lookup, cached from here on

    # The session (unless it is cached), the person with their roles; the case (with its
    # service, provider and outcome) and the four people it names in one query; the
    # person's memberships (prefetched for the actions) and the audit event recording the
    # view (their organisation by its key, not read); the timeline (its audit events and its
    # case notes), key reasons and documents.
    with django_assert_num_queries(session_queries() + 9):
        page = client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert open_case.worker.full_name in text
    assert open_case.referred_by.full_name in text
