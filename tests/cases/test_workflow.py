"""Every transition of a case: who may make it, from which state, and what it leaves behind."""

from datetime import date

import pytest
from django.core import mail

from cases import services
from cases.models import Case, KeyReason, Outcome, Status, normalise_thrive_id
from thrive.models import AuditEvent, District, Role

from ..factories import ServiceFactory, make_case, person

DEMOGRAPHICS = {
    "family_names": "Marshall",
    "child_first_name": "Claire",
    "child_last_name": "Marshall",
    "child_date_of_birth": date(2015, 3, 27),
    "other_children": "",
    "address": "1 High Street, Ashford",
    "postcode": "TN23 1AA",
    "notifier": "School",
    "reason_for_referral": "Attendance",
    "date_referred": date(2026, 11, 2),
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the call's on-commit work (the outbox's send) as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("KT000123", "KT000123"),
        ("kt 123", "KT000123"),
        (" Kt0123 ", "KT000123"),
        ("kt000123", "KT000123"),
        ("test13", "TEST13"),
        ("TEST 13", "TEST13"),
        ("", ""),
    ],
)
def test_thrive_ids_are_found_however_typed(typed, meant):
    assert normalise_thrive_id(typed) == meant


def test_referral_creates_a_case_awaiting_decision_and_emails_managers(
    officer, manager, ashford, committed
):
    case = committed(services.refer_case, by=officer, service=ashford, **DEMOGRAPHICS)

    assert case.thrive_id == f"KT{case.pk:06d}"
    assert case.status == Status.AWAITING_DECISION
    assert case.district == District.ASHFORD
    [email] = mail.outbox
    assert email.to == ["mgr@example.org"]
    assert case.thrive_id in email.body
    assert "Marshall" not in email.body + email.subject
    assert "Claire" not in email.body + email.subject
    assert AuditEvent.objects.filter(action="case_referred", object_id=str(case.pk)).exists()


def test_referral_to_a_service_outside_the_officers_district_is_refused(officer):
    elsewhere = ServiceFactory(district=District.THANET)

    with pytest.raises(services.CaseActionRefused, match="in your district"):
        services.refer_case(by=officer, service=elsewhere, **DEMOGRAPHICS)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("answer", "status"),
    [("yes", Status.AWAITING_WORKER), ("pending", Status.PENDING), ("no", Status.DECLINED)],
)
def test_the_decision_moves_the_case_on(case, manager, answer, status):
    case = services.record_decision(
        case,
        by=manager,
        version=case.version,
        response_date=date(2026, 11, 3),
        progressing=answer,
        decline_reason="Better met by school nursing" if answer == "no" else "",
        waiting_list=True if answer == "yes" else None,
    )

    assert case.status == status
    assert case.version == 2
    assert case.modified_by == manager


def test_declining_needs_a_reason_and_tells_the_ehps_officer(case, manager, committed):
    with pytest.raises(services.CaseActionRefused, match="reason for declining"):
        services.record_decision(
            case, by=manager, version=1, response_date=date(2026, 11, 3), progressing="no"
        )

    committed(
        services.record_decision,
        case,
        by=manager,
        version=1,
        response_date=date(2026, 11, 3),
        progressing="no",
        decline_reason="Outside our criteria",
    )
    assert [m.to for m in mail.outbox] == [["ehps@example.org"]]
    assert "Outside our criteria" not in mail.outbox[0].body


def test_a_pending_case_can_still_be_decided(case, manager):
    case = services.record_decision(
        case, by=manager, version=1, response_date=date(2026, 11, 3), progressing="pending"
    )

    case = services.record_decision(
        case,
        by=manager,
        version=case.version,
        response_date=date(2026, 11, 10),
        progressing="yes",
        waiting_list=False,
    )
    assert case.status == Status.AWAITING_WORKER


@pytest.mark.parametrize("role", [Role.SERVICE_WORKER, Role.EHPS_OFFICER])
def test_only_the_services_manager_records_the_decision(case, ashford, role):
    someone = person(role, service=ashford if role == Role.SERVICE_WORKER else None)

    with pytest.raises(services.CaseActionRefused):
        services.record_decision(
            case, by=someone, version=1, response_date=date(2026, 11, 3), progressing="yes"
        )


def test_a_decided_case_cannot_be_decided_again(open_case, manager):
    with pytest.raises(services.CaseActionRefused, match="awaits a decision"):
        services.record_decision(
            open_case,
            by=manager,
            version=open_case.version,
            response_date=date(2026, 11, 3),
            progressing="no",
            decline_reason="x",
        )


def test_allocating_opens_the_case_for_the_worker_and_emails_them(case, manager, worker, committed):
    case.status, case.progressing = Status.AWAITING_WORKER, "yes"
    case.save()

    case = committed(
        services.allocate_worker,
        case,
        by=manager,
        version=case.version,
        worker=worker,
        date_appointed=date(2026, 11, 4),
    )

    assert case.status == Status.OPEN
    assert case in Case.objects.visible_to(worker)
    assert [m.to for m in mail.outbox] == [["wkr@example.org"]]


def test_changing_the_worker_moves_access_at_once(open_case, manager, worker, other_worker):
    services.allocate_worker(
        open_case,
        by=manager,
        version=open_case.version,
        worker=other_worker,
        date_appointed=date(2026, 11, 5),
    )

    assert open_case not in Case.objects.visible_to(worker)
    assert open_case in Case.objects.visible_to(other_worker)
    event = AuditEvent.objects.get(action="case_worker_allocated")
    assert worker.username in event.note


def test_only_the_services_own_workers_can_be_allocated(open_case, manager):
    outsider = person(Role.SERVICE_WORKER)

    with pytest.raises(services.CaseActionRefused, match="from this service"):
        services.allocate_worker(
            open_case,
            by=manager,
            version=open_case.version,
            worker=outsider,
            date_appointed=date(2026, 11, 5),
        )


def test_the_worker_records_the_work_and_key_reasons(open_case, worker):
    reasons = list(KeyReason.objects.filter(name__startswith="Behaviour"))

    case = services.update_case(
        open_case,
        by=worker,
        version=open_case.version,
        fields={"first_contact_family": date(2026, 11, 6)},
        key_reasons=reasons,
    )

    assert case.first_contact_family == date(2026, 11, 6)
    assert set(case.key_reasons.all()) == set(reasons)
    note = AuditEvent.objects.get(action="case_updated").note
    assert note == "Date of first contact with family, Key reasons for support"


def test_closing_needs_date_outcome_and_summary(open_case, worker):
    with pytest.raises(services.CaseActionRefused, match="closure summary"):
        services.close_case(
            open_case,
            by=worker,
            version=open_case.version,
            closure_date=date(2026, 11, 20),
            outcome=Outcome.objects.first(),
            closure_summary="  ",
        )

    case = services.close_case(
        open_case,
        by=worker,
        version=open_case.version,
        closure_date=date(2026, 11, 20),
        outcome=Outcome.objects.first(),
        closure_summary="Needs met",
    )
    assert case.status == Status.CLOSED


def test_a_case_cannot_be_closed_before_it_was_referred(open_case, worker):
    with pytest.raises(services.CaseActionRefused, match="on or after the date referred"):
        services.close_case(
            open_case,
            by=worker,
            version=open_case.version,
            closure_date=date(2020, 1, 1),
            outcome=Outcome.objects.first(),
            closure_summary="x",
        )


def test_archiving_and_undoing_it(open_case, worker, manager):
    case = services.close_case(
        open_case,
        by=worker,
        version=open_case.version,
        closure_date=date(2026, 11, 20),
        outcome=Outcome.objects.first(),
        closure_summary="Needs met",
    )

    case = services.archive_case(case, by=manager, version=case.version)
    assert case.is_archived
    assert case not in Case.objects.visible_to(worker).active()
    with pytest.raises(services.CaseActionRefused, match="reason"):
        services.unarchive_case(case, by=manager, version=case.version, reason="")

    case = services.unarchive_case(case, by=manager, version=case.version, reason="Filed early")
    assert not case.is_archived
    assert case.archive_undone_reason == "Filed early"


def test_the_ehps_officer_archives_declined_cases_only(ashford, manager, officer, open_case):
    with pytest.raises(services.CaseActionRefused):
        services.archive_case(open_case, by=officer, version=open_case.version)

    case = make_case(ashford, referred_by=officer)
    case = services.record_decision(
        case,
        by=manager,
        version=case.version,
        response_date=date(2026, 11, 3),
        progressing="no",
        decline_reason="Outside criteria",
    )
    case = services.archive_case(case, by=officer, version=case.version)
    assert case.archived_by == officer


def test_an_open_case_cannot_be_archived(open_case, manager):
    with pytest.raises(services.CaseActionRefused, match="closed or declined"):
        services.archive_case(open_case, by=manager, version=open_case.version)


def test_a_save_over_someone_elses_change_is_refused(open_case, worker, manager):
    opened_at = open_case.version
    services.update_case(
        open_case,
        by=manager,
        version=opened_at,
        fields={"assessment_date": date(2026, 11, 7)},
    )

    with pytest.raises(services.StaleCase) as conflict:
        services.update_case(
            open_case,
            by=worker,
            version=opened_at,
            fields={"first_contact_family": date(2026, 11, 6)},
        )
    assert conflict.value.current.modified_by == manager
    assert Case.objects.get().first_contact_family is None


def test_every_transition_is_in_moj_frontends_timeline_with_who_and_when(
    client, case, manager, worker
):
    case = services.record_decision(
        case,
        by=manager,
        version=case.version,
        response_date=date(2026, 11, 3),
        progressing="yes",
        waiting_list=False,
    )
    services.allocate_worker(
        case, by=manager, version=case.version, worker=worker, date_appointed=date(2026, 11, 4)
    )
    client.force_login(manager)

    page = client.get(f"/cases/{case.thrive_id}/")

    timeline = [item["label"] for item in page.context["timeline"]]
    assert timeline == ["Worker allocated", "Decision recorded"]
    html = page.content.decode()
    assert '<h3 class="moj-timeline__title">Decision recorded</h3>' in html
    assert f'<p class="moj-timeline__byline">by {manager.username}</p>' in html
