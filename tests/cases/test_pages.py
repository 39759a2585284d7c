"""The case pages: read mode, the action forms, their errors, and the stale-save refusal."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from cases import services
from cases.models import Case, Status
from thrive.models import AuditEvent, Role

from ..factories import make_case, person


def url(name, case):
    return reverse(f"cases:{name}", args=[case.thrive_id])


def date_fields(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_a_case_opens_in_read_mode_and_the_view_is_audited(client, case, manager):
    client.force_login(manager)

    page = client.get(url("detail", case))

    assert page.status_code == 200
    assert "<form" not in page.content.decode().split('id="main-content"')[1].split("Timeline")[0]
    assert "Record decision" in page.text
    assert AuditEvent.objects.filter(action="viewed", user=manager, object_id=str(case.pk)).exists()


def test_the_thrive_id_in_the_address_is_tolerant(client, case, manager):
    client.force_login(manager)

    assert client.get(f"/cases/{case.thrive_id.lower()}/").status_code == 200
    response = client.get(reverse("cases:find"), {"thrive_id": f"kt {case.pk}"})
    assert response["Location"] == url("detail", case)


def test_finding_an_unknown_or_hidden_case_says_so(client, case, manager):
    hidden = make_case(person(Role.SERVICE_MANAGER).memberships.get().service)
    client.force_login(manager)

    response = client.get(reverse("cases:find"), {"thrive_id": hidden.thrive_id}, follow=True)

    assert "No case you can see has the Thrive ID" in response.text


def test_referral_form_creates_the_case(client, officer, ashford):
    client.force_login(officer)
    data = {
        "service": ashford.pk,
        "family_names": "Broster",
        "child_first_name": "Jake",
        "child_last_name": "Broster",
        **date_fields("child_date_of_birth", date(2016, 5, 1)),
        "address": "2 Bank Street",
        "postcode": "tn231aa",
        "notifier": "School",
        "reason_for_referral": "Behaviour at school",
        **date_fields("date_referred", date(2026, 11, 2)),
    }

    response = client.post(reverse("cases:refer"), data)

    case = Case.objects.get()
    assert response["Location"] == url("detail", case)
    assert case.postcode == "TN23 1AA"
    assert case.referred_by == officer


def test_referral_form_names_each_problem_next_to_its_field(client, officer):
    client.force_login(officer)

    page = client.post(reverse("cases:refer"), {"postcode": "nonsense"})

    assert page.status_code == 200
    for message in [
        "Choose the commissioned service to refer to",
        "Enter the family second name or names",
        "Enter a real postcode, like ME14 1XQ",
        "Enter the reason for referral",
    ]:
        assert message in page.text
    assert page.text.count("govuk-error-message") >= 4
    assert not Case.objects.exists()


def test_only_services_in_the_officers_district_are_offered(client, officer, ashford):
    elsewhere = person(Role.SERVICE_MANAGER).memberships.get().service
    elsewhere.district = "thanet"
    elsewhere.save()
    client.force_login(officer)

    page = client.get(reverse("cases:refer"))

    assert ashford.name in page.text
    assert elsewhere.name not in page.text


def test_decision_no_without_reason_is_refused_at_the_field(client, case, manager):
    client.force_login(manager)
    form = client.get(url("decide", case)).context["form"]

    page = client.post(
        url("decide", case),
        {
            "version": case.version,
            "snapshot": form.initial["snapshot"],
            "progressing": "no",
            **date_fields("response_date", date(2026, 11, 3)),
        },
    )

    assert "Enter the reason for declining the case" in page.text
    assert Case.objects.get().status == Status.AWAITING_DECISION


def test_allocation_offers_the_services_workers_by_name_and_username(
    client, manager, worker, open_case
):
    person(
        Role.SERVICE_WORKER, full_name="Will Kerr", username="kerrw02", service=open_case.service
    )
    client.force_login(manager)

    page = client.get(url("allocate", open_case))

    assert f"Will Kerr ({worker.username})" in page.text
    assert "Will Kerr (kerrw02)" in page.text


def test_a_stale_save_shows_what_changed_and_keeps_the_input(client, open_case, worker, manager):
    client.force_login(worker)
    opened = client.get(url("edit", open_case)).context["form"]
    services.update_case(
        open_case,
        by=manager,
        version=open_case.version,
        fields={"notifier": "Health visitor"},
    )
    data = {
        "version": opened.initial["version"],
        "snapshot": opened.initial["snapshot"],
        "family_names": "Marshall",
        "child_first_name": "Claire",
        "child_last_name": "Marshall",
        **date_fields("child_date_of_birth", date(2015, 3, 27)),
        "address": "1 High Street, Ashford",
        "postcode": "TN23 1AA",
        "notifier": "School",
        "reason_for_referral": "Attendance – my new words",
        **date_fields("date_referred", date(2026, 11, 2)),
    }

    page = client.post(url("edit", open_case), data)

    assert page.status_code == 200
    assert f"{escape(manager.full_name)} changed this case" in page.text
    assert "Notifier: was School, now Health visitor" in page.text
    assert "Attendance – my new words" in page.text
    assert Case.objects.get().reason_for_referral == "Attendance"
    # Having seen the change, saving again goes through.
    page = client.post(
        url("edit", open_case),
        {
            **data,
            **{
                "version": page.context["form"].data["version"],
                "snapshot": page.context["form"].data["snapshot"],
            },
        },
    )
    assert page.status_code == 302
    assert Case.objects.get().reason_for_referral == "Attendance – my new words"


def test_actions_not_allowed_in_this_state_are_not_offered_and_answer_404(
    client, open_case, manager
):
    client.force_login(manager)

    page = client.get(url("detail", open_case))

    assert "Record decision" not in page.text
    assert client.get(url("archive", open_case)).status_code == 404
    assert client.get(url("unarchive", open_case)).status_code == 404


def decision(form, answer="yes"):
    return {
        "version": form.initial["version"],
        "snapshot": form.initial["snapshot"],
        "progressing": answer,
        "waiting_list": "no",
        **date_fields("response_date", date(2026, 11, 3)),
    }


def test_a_manager_who_lost_the_race_to_decide_sees_who_decided_and_when(
    client, case, manager, ashford
):
    colleague = person(Role.SERVICE_MANAGER, service=ashford, full_name="Priya Shah")
    client.force_login(manager)
    mine = client.get(url("decide", case)).context["form"]
    other = client.__class__()
    other.force_login(colleague)
    theirs = other.get(url("decide", case)).context["form"]
    assert other.post(url("decide", case), decision(theirs)).status_code == 302

    page = client.post(url("decide", case), decision(mine, "pending"))

    assert page.status_code == 409
    assert "The decision has already been recorded" in page.text
    assert "Priya Shah recorded the decision at" in page.text
    assert "Your answer has not been saved" in page.text
    assert Case.objects.get().status == Status.AWAITING_WORKER


def test_opening_record_decision_on_a_decided_case_says_it_was_decided(client, open_case, manager):
    client.force_login(manager)

    page = client.get(url("decide", open_case))

    assert page.status_code == 200
    assert "The decision has already been recorded" in page.text


def test_only_the_services_managers_are_told_the_case_was_decided(client, open_case, worker):
    client.force_login(worker)

    assert client.get(url("decide", open_case)).status_code == 404


def test_a_worker_not_on_the_case_cannot_open_it(client, open_case, other_worker):
    client.force_login(other_worker)

    assert client.get(url("detail", open_case)).status_code == 404
    assert client.get(url("unarchive", open_case)).status_code == 404


def test_ehps_edit_demographics_only_until_the_service_decides(client, case, officer, manager):
    client.force_login(officer)
    assert client.get(url("edit", case)).status_code == 200

    services.record_decision(
        case,
        by=manager,
        version=1,
        response_date=date(2026, 11, 3),
        progressing="yes",
        waiting_list=False,
    )
    assert client.get(url("edit", case)).status_code == 404


def test_full_journey_through_the_pages(client, case, manager, worker):
    client.force_login(manager)
    snapshot = lambda name: client.get(url(name, case)).context["form"].initial["snapshot"]  # noqa: E731

    client.post(
        url("decide", case),
        {
            "version": 1,
            "snapshot": snapshot("decide"),
            "progressing": "yes",
            "waiting_list": "no",
            **date_fields("response_date", date(2026, 11, 3)),
        },
    )
    client.post(
        url("allocate", case),
        {
            "version": 2,
            "snapshot": snapshot("allocate"),
            "worker": worker.pk,
            **date_fields("date_appointed", date(2026, 11, 4)),
        },
    )
    client.force_login(worker)
    from cases.models import Outcome

    client.post(
        url("close", case),
        {
            "version": 3,
            "snapshot": snapshot("close"),
            "outcome": Outcome.objects.first().pk,
            "closure_summary": "Needs met",
            **date_fields("closure_date", date(2026, 11, 20)),
        },
    )
    client.force_login(manager)
    client.post(url("archive", case), {"version": 4, "snapshot": snapshot("archive")})

    case.refresh_from_db()
    assert (case.status, case.is_archived, case.worker) == (Status.CLOSED, True, worker)


@pytest.mark.parametrize("back", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_find_never_sends_people_to_another_site(client, manager, back):
    client.force_login(manager)

    response = client.get(reverse("cases:find"), {"thrive_id": "nothing", "back": back})

    assert response["Location"] == reverse("home")


def test_printing_a_case_is_audited_as_a_print(client, case, manager):
    client.force_login(manager)

    page = client.get(url("detail", case), {"print": "1"})

    assert "data-autoprint" in page.text
    assert AuditEvent.objects.filter(
        action="printed", user=manager, object_id=str(case.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action="viewed", object_id=str(case.pk)).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel requests need a database server"
)
@pytest.mark.django_db(transaction=True)
def test_of_parallel_record_decision_posts_one_saves_and_the_rest_see_who_decided():
    from django.test import Client

    from ..factories import ServiceFactory

    service = ServiceFactory()
    case = make_case(service)
    managers = [person(Role.SERVICE_MANAGER, service=service) for _ in range(8)]
    clients = []
    for manager in managers:
        client = Client()
        client.force_login(manager)
        clients.append((client, decision(client.get(url("decide", case)).context["form"])))
    start = threading.Barrier(len(clients))
    answers = []

    def post(client, data):
        try:
            start.wait()
            answers.append(client.post(url("decide", case), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [302] + [409] * (len(clients) - 1)
