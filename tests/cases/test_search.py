"""Finding a child's case from the search box in the header."""

from datetime import date

import pytest
from django.urls import reverse

from thrive.models import AuditEvent, District, Role

from ..factories import ServiceFactory, make_case, person


@pytest.fixture
def john(ashford):
    return make_case(
        ashford,
        child_first_name="John",
        child_last_name="Smith",
        family_names="Smith-Jones",
        child_date_of_birth=date(2015, 3, 1),
        postcode="ME14 1XQ",
    )


@pytest.fixture
def other_service_john(db):
    elsewhere = ServiceFactory(district=District.CANTERBURY)
    return make_case(
        elsewhere,
        child_first_name="John",
        child_last_name="Smith",
        child_date_of_birth=date(2015, 3, 1),
        postcode="ME14 1XQ",
    )


def search(client, user, q, **extra):
    client.force_login(user)
    return client.post(reverse("search"), {"q": q, **extra})


def found(response, kind="cases"):
    section = next(s for s in response.context["sections"] if s["searcher"].kind == kind)
    return list(section["page"].object_list)


@pytest.mark.parametrize(
    "q",
    [
        "Jon Smyth",
        "smith john",
        "SMITH-JONES",
        "jones",
        "01/03/2015",
        "1 March 2015",
        "ME14 1XQ",
        "me14",
        "ME14 1",
    ],
)
def test_a_manager_finds_the_case_by_name_date_of_birth_or_postcode(client, manager, john, q):
    response = search(client, manager, q)

    assert response.status_code == 200
    assert found(response) == [john]


def test_a_partial_thrive_id_finds_the_case(client, manager, john):
    number = str(john.pk)

    assert found(search(client, manager, number)) == [john]
    assert found(search(client, manager, f"kt {number}")) == [john]
    assert found(search(client, manager, john.thrive_id[:-1])) == [john]


def test_one_or_two_digits_mean_the_whole_thrive_id(client, manager, ashford):
    twenty_one = make_case(ashford, thrive_id="KT000021")
    make_case(ashford, thrive_id="KT000121")
    make_case(ashford, thrive_id="KT002100")
    seven = make_case(ashford, thrive_id="KT000007")

    assert found(search(client, manager, "21")) == [twenty_one]
    assert found(search(client, manager, "7")) == [seven]


def test_three_characters_or_more_find_every_thrive_id_containing_them(client, manager, ashford):
    make_case(ashford, thrive_id="KT000021")
    one_twenty_one = make_case(ashford, thrive_id="KT000121")
    twenty_one_hundred = make_case(ashford, thrive_id="KT002100")

    assert set(found(search(client, manager, "121"))) == {one_twenty_one}
    assert set(found(search(client, manager, "2100"))) == {twenty_one_hundred}
    assert len(found(search(client, manager, "021"))) == 2


def test_a_short_reference_still_finds_a_postcode_district(client, manager, ashford):
    whitechapel = make_case(ashford, thrive_id="KT000031", postcode="E1 6AN")
    make_case(ashford, thrive_id="KT000032", postcode="TN23 1AA")

    assert found(search(client, manager, "E1")) == [whitechapel]


def test_every_term_must_match(client, manager, john):
    assert found(search(client, manager, "John Smith 02/03/2015")) == []
    assert found(search(client, manager, "John Brown")) == []


def test_the_best_match_comes_first(client, manager, ashford, john):
    sounds_alike = make_case(ashford, child_first_name="Jon", child_last_name="Smyth")

    assert found(search(client, manager, "John Smith")) == [john, sounds_alike]
    assert found(search(client, manager, "Jon Smyth")) == [sounds_alike, john]


def test_archived_cases_are_found_and_marked(client, manager, ashford):
    from django.utils import timezone

    archived = make_case(
        ashford, child_first_name="Amir", child_last_name="Khan", archived_at=timezone.now()
    )

    response = search(client, manager, "Amir Khan")

    assert found(response) == [archived]
    assert "Archived" in response.text


def test_what_matched_is_highlighted(client, manager, john):
    response = search(client, manager, "Jon Smyth 01/03/2015")

    assert "<mark>John</mark> <mark>Smith</mark>" in response.text
    assert "<mark>01/03/2015</mark>" in response.text


def test_nobody_finds_another_tenants_case(client, manager, john, other_service_john):
    assert found(search(client, manager, "John Smith")) == [john]


@pytest.mark.parametrize("role", [Role.SERVICE_WORKER, Role.EHPS_OFFICER, Role.SERVICE_MANAGER])
def test_each_role_finds_only_the_cases_it_may_open(client, john, other_service_john, role):
    someone = person(role, district=District.CANTERBURY if role == Role.EHPS_OFFICER else "")

    results = found(search(client, someone, "John Smith"))

    if role == Role.EHPS_OFFICER:
        assert results == [other_service_john]
    else:
        assert results == []


def test_a_worker_finds_only_their_allocated_cases(client, ashford, worker, john):
    mine = make_case(ashford, child_first_name="John", child_last_name="Smith", worker=worker)

    assert found(search(client, worker, "John Smith")) == [mine]


def test_search_terms_are_posted_never_in_the_url(client, manager, john):
    client.force_login(manager)
    page = client.get(reverse("home"))

    assert 'action="/search/" role="search"' in page.text
    assert 'method="post" action="/search/"' in page.text
    assert found(search(client, manager, "John")) == [john]
    assert client.get(reverse("search"), {"q": "John"}).context["sections"] == []


def test_every_search_is_audited_without_the_terms(client, manager, john):
    search(client, manager, "Jon Smyth 01/03/2015")

    event = AuditEvent.objects.get(action="searched")
    assert event.user == manager
    assert event.note == "1 results; searched by name, date of birth"
    assert "Smyth" not in event.note and "2015" not in event.note


def test_an_empty_search_asks_for_something_to_find(client, manager):
    response = search(client, manager, "  ")

    assert response.status_code == 200
    assert "Enter a name, date of birth, postcode or Thrive ID" in response.text
    assert not AuditEvent.objects.filter(action="searched").exists()


def test_a_long_search_is_refused(client, manager):
    response = search(client, manager, "a" * 201)

    assert "Search must be 200 characters or fewer" in response.text


def test_results_are_paged(client, manager, ashford):
    for _ in range(25):
        make_case(ashford, child_first_name="Ava", child_last_name="Lee")

    first = search(client, manager, "Ava Lee")
    second = search(client, manager, "Ava Lee", page_cases="2")

    assert len(found(first)) == 20 and len(found(second)) == 5
    assert response_count(first) == 25


def test_a_page_past_the_last_shows_the_last(client, manager, ashford):
    for _ in range(25):
        make_case(ashford, child_first_name="Ava", child_last_name="Lee")

    response = search(client, manager, "Ava Lee", page_cases="9")

    assert len(found(response)) == 5 and response_count(response) == 25
    assert response.context["sections"][0]["page"].number == 2


def response_count(response):
    return response.context["sections"][0]["page"].paginator.count


def test_administrators_have_no_search(client, admin_user):
    client.force_login(admin_user)

    assert client.post(reverse("search"), {"q": "John"}).status_code in (302, 404)
    assert 'role="search"' not in client.get(reverse("home")).text


def test_editing_a_childs_name_changes_how_the_case_is_found(client, manager, officer, john):
    from cases import services

    services.update_case(
        john, by=officer, version=john.version, fields={"child_first_name": "Jonathan"}
    )

    assert found(search(client, manager, "Jonathan")) == [john]
    assert found(search(client, manager, "Jonathan Smith-Jones")) == [john]


@pytest.mark.parametrize("matches", [1, 20])
@pytest.mark.parametrize("role, queries", [("manager", 7), ("officer", 6)])
def test_a_search_runs_the_same_few_queries_however_many_cases_it_finds(
    client, request, ashford, django_assert_max_num_queries, matches, role, queries
):
    user = request.getfixturevalue(role)
    for _ in range(matches):
        make_case(ashford, child_first_name="Ava", child_last_name="Lee", postcode="ME14 1XQ")
    client.force_login(user)
    client.post(reverse("search"), {"q": "Ava Lee"})  # the session is read and settled

    # session (none when Redis caches it), person, their roles; the cases' page with their
    # count (one query); downtime records; the audit event (and for a manager their
    # organisation, which the event names)
    with django_assert_max_num_queries(queries):
        response = client.post(reverse("search"), {"q": "Ava Lee ME14"})

    assert response_count(response) == matches


def test_the_may_already_be_known_check_is_one_query(officer, ashford, django_assert_num_queries):
    from cases.search import possibly_known

    for _ in range(3):
        make_case(
            ashford,
            child_first_name="Ava",
            child_last_name="Lee",
            child_date_of_birth=date(2015, 3, 1),
            postcode="ME14 1XQ",
        )
    officer.districts()  # a person's roles are read once a request, before the view

    with django_assert_num_queries(1):
        known = possibly_known(
            officer,
            child_first_name="Avah",
            child_last_name="Lea",
            child_date_of_birth=date(2015, 3, 1),
            postcode="",
        )

    assert len(known) == 3
    assert {case.service.name for case in known} == {ashford.name}
