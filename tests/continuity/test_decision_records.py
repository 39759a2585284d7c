"""Downtime records of the Commissioned Services Information a manager records (Record
decision and Allocate worker): asked with the case page's own forms and checks, applied
through record_decision and allocate_worker, with the conflict choice when the case changed
meanwhile, refused for the wrong person or state, and entered once however often applied."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import Case
from continuity import applying, decisions, readonly, records
from continuity.models import DowntimeRecord, NatureOfWork, RecordKind
from thrive.models import AuditEvent, Role

from ..factories import make_case, person
from .conftest import NOW
from .test_structured_records import about

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def awaiting(team):
    """A case referred to the team's service, awaiting the manager's decision."""
    return make_case(team.service, referred_by=team.officer)


@pytest.fixture
def accepted(team):
    """A case the manager accepted, awaiting a worker."""
    return make_case(
        team.service,
        referred_by=team.officer,
        status="awaiting_worker",
        progressing="yes",
        response_date=date(2026, 11, 10),
        waiting_list=False,
    )


def decision_data(case, **overrides):
    """Record decision as the manager fills it in (prefixed as in a record)."""
    return {
        "work-version": str(case.version),
        "work-response_date_day": "20",
        "work-response_date_month": "11",
        "work-response_date_year": "2026",
        "work-progressing": "yes",
        "work-waiting_list": "no",
        **about(),
        **overrides,
    }


def worker_data(worker, day="21"):
    return {
        "work-worker": str(worker.pk),
        "work-date_appointed_day": day,
        "work-date_appointed_month": "11",
        "work-date_appointed_year": "2026",
    }


def add_url(case):
    return f"{reverse('continuity:record_add_kind', args=['decision'])}?case={case.thrive_id}"


def recorded(client, team, case, data):
    client.force_login(team.manager)
    response = client.post(add_url(case), data)
    assert response.status_code == 302, response.context["work"].errors
    return DowntimeRecord.objects.get()


def source(record):
    return f"downtime record {record.pk}, recorded at 23-Nov-2026 11:05 by Mia Manager"


# --- Recording ------------------------------------------------------------------------------


def test_a_decision_record_keeps_the_decision_and_the_worker(client, team, awaiting):
    record = recorded(
        client, team, awaiting, {**decision_data(awaiting), **worker_data(team.worker)}
    )

    assert record.kind == RecordKind.DECISION and record.case == awaiting
    assert record.nature_of_work == NatureOfWork.DECISION
    assert record.values["fields"] == {
        "response_date": "2026-11-20",
        "progressing": "yes",
        "decline_reason": "",
        "waiting_list": False,
        "predicted_start_date": None,
        "worker": team.worker.pk,
        "date_worker_appointed": "2026-11-21",
    }
    assert record.values["base"]["progressing"] == "" and record.values["base"]["worker"] is None
    assert "Date of response to EHPS: 20-Nov-2026" in record.details
    assert f"Name of worker: Will Kerr ({team.worker.username})" in record.details


def test_an_accepted_case_takes_an_allocation_record(client, team, accepted):
    client.force_login(team.manager)

    page = client.get(add_url(accepted))
    assert 'name="work-worker"' in page.text and 'name="work-progressing"' not in page.text
    record = recorded(
        client,
        team,
        accepted,
        {"work-version": str(accepted.version), **worker_data(team.worker), **about()},
    )

    assert record.nature_of_work == NatureOfWork.ALLOCATION
    assert set(record.values["fields"]) == {"worker", "date_worker_appointed"}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"work-progressing": "no"}, "decline_reason", "Enter the reason for declining"),
        ({"work-waiting_list": ""}, "waiting_list", "waiting list"),
        ({"work-response_date_day": "24"}, "response_date", "past"),
        ({"work-progressing": "pending"}, "worker", "progressing"),
        (
            {f"work-date_appointed_{part}": "" for part in ("day", "month", "year")},
            "date_appointed",
            "Enter the date",
        ),
    ],
)
def test_a_decision_record_is_checked_as_the_live_form_checks_it(
    client, team, awaiting, typed, field, message
):
    client.force_login(team.manager)
    data = {**decision_data(awaiting), **worker_data(team.worker), **typed}

    page = client.post(add_url(awaiting), data)

    errors = page.context["work"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not DowntimeRecord.objects.exists()


def test_a_worker_cannot_record_a_decision(client, team, awaiting, case):
    client.force_login(team.worker)

    page = client.get(add_url(case))

    assert decisions.NOT_YOURS in page.text
    assert not DowntimeRecord.objects.exists()


def test_the_author_corrects_a_decision_record(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))
    url = reverse("continuity:record_change_kind", args=[record.pk])
    assert client.get(url).context["work"].initial["progressing"] == "yes"

    client.post(
        url,
        {
            **decision_data(awaiting, **{"work-progressing": "pending"}),
            "version": record.version,
        },
    )

    record.refresh_from_db()
    assert record.values["fields"]["progressing"] == "pending"
    assert record.values["base"]["progressing"] == ""


# --- Read-only mode: Record decision and Allocate worker post into a record ---------------


def test_record_decision_in_read_only_mode_becomes_a_decision_record(client, team, awaiting):
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")
    client.force_login(team.manager)

    page = client.get(reverse("cases:decide", args=[awaiting.thrive_id]))
    assert f'action="{add_url(awaiting)}"' in page.text.replace("&amp;", "&")
    assert 'name="work-progressing"' in page.text
    typed = {k: v for k, v in decision_data(awaiting).items() if k.startswith("work-")}
    client.post(add_url(awaiting), {**typed, "carried": "1"})

    record = DowntimeRecord.objects.get()
    assert record.kind == RecordKind.DECISION and not record.restricted
    assert record.recorded_at == NOW
    assert Case.objects.get(pk=awaiting.pk).progressing == ""  # nothing saved on the case


# --- Applying -------------------------------------------------------------------------------


def test_applying_records_the_decision_and_allocates_the_worker(client, team, awaiting):
    team.worker.email = "will@example.org"
    team.worker.save()
    record = recorded(
        client, team, awaiting, {**decision_data(awaiting), **worker_data(team.worker)}
    )

    applied = applying.apply_record(record, by=team.manager)

    case = Case.objects.get(pk=awaiting.pk)
    assert case.status == "open" and case.worker == team.worker
    assert case.response_date == date(2026, 11, 20) and case.waiting_list is False
    assert case.date_worker_appointed == date(2026, 11, 21)
    assert applied.message == f"The decision and worker on case {case.thrive_id} has been recorded."
    decided = AuditEvent.objects.get(action="case_decision_recorded")
    assert decided.note == f"entered from {source(record)}: progressing: yes"
    allocated = AuditEvent.objects.get(action="case_worker_allocated")
    assert allocated.note.startswith(f"entered from {source(record)}: worker: ")
    record.refresh_from_db()
    assert record.entered_at == NOW and record.applied


def test_an_applied_decline_emails_the_referrer_as_a_live_one_does(
    client, team, awaiting, django_capture_on_commit_callbacks
):
    team.officer.email = "eve@example.org"
    team.officer.save()
    record = recorded(
        client,
        team,
        awaiting,
        decision_data(awaiting, **{"work-progressing": "no", "work-decline_reason": "Moved away"}),
    )

    with django_capture_on_commit_callbacks(execute=True):
        applying.apply_record(record, by=team.manager)

    assert Case.objects.get(pk=awaiting.pk).status == "declined"
    [email] = mail.outbox
    assert email.to == ["eve@example.org"] and "declined" in email.subject


def test_the_check_page_shows_the_case_now_beside_the_decision(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))

    page = client.get(reverse("continuity:record_apply", args=[record.pk]))

    assert "The case now" in page.text and "This record sets" in page.text
    assert "20-Nov-2026" in page.text and "Apply to Thrive" in page.text


def allocated_meanwhile(client, team, accepted):
    """wkr01 allocated in a downtime record; Wendy allocated on the case since Thrive came back."""
    record = recorded(
        client,
        team,
        accepted,
        {"work-version": str(accepted.version), **worker_data(team.worker), **about()},
    )
    services.allocate_worker(
        accepted,
        by=team.manager,
        version=accepted.version,
        worker=team.colleague,
        date_appointed=date(2026, 11, 22),
    )
    return record


def test_a_worker_allocated_differently_since_needs_a_choice(client, team, accepted):
    record = allocated_meanwhile(client, team, accepted)
    url = reverse("continuity:record_apply", args=[record.pk])

    page = client.post(url, {"case_version": Case.objects.get(pk=accepted.pk).version})

    assert "Choose which value to keep" in page.text
    assert "The worker allocated was changed on the case since" in page.text
    assert "Keep the case’s: Name of worker: Wendy Roberts" in page.text
    assert "Use this record’s: Name of worker: Will Kerr" in page.text
    with pytest.raises(applying.NeedsChoice) as raised:
        applying.apply_record(record, by=team.manager)
    assert raised.value.conflicts == ["allocation"]
    assert DowntimeRecord.objects.get().entered_at is None


@pytest.mark.parametrize(("choice", "kept"), [("record", "worker"), ("case", "colleague")])
def test_the_manager_chooses_which_worker_the_case_keeps(client, team, accepted, choice, kept):
    record = allocated_meanwhile(client, team, accepted)

    applying.apply_record(record, by=team.manager, choices={"allocation": choice})

    assert Case.objects.get(pk=accepted.pk).worker == getattr(team, kept)
    assert DowntimeRecord.objects.get().entered_at == NOW


def decided_meanwhile(team, case, **decision):
    """Another decision recorded on the case since Thrive came back, on 22 November."""
    services.record_decision(
        case, by=team.manager, version=case.version, response_date=date(2026, 11, 22), **decision
    )


def test_a_decision_taken_meanwhile_and_kept_leaves_the_case_as_it_is(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))
    decided_meanwhile(team, awaiting, progressing="pending")

    applied = applying.apply_record(record, by=team.manager, choices={"decision": "case"})

    case = Case.objects.get(pk=awaiting.pk)
    assert case.progressing == "pending" and case.response_date == date(2026, 11, 22)
    assert "nothing was changed" in applied.message


def test_a_decision_the_live_rule_refuses_now_is_refused_with_its_reason(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))
    decided_meanwhile(team, awaiting, progressing="no", decline_reason="Moved away")

    with pytest.raises(services.CaseActionRefused, match="only while the case awaits"):
        applying.apply_record(record, by=team.manager, choices={"decision": "record"})
    assert Case.objects.get(pk=awaiting.pk).status == "declined"
    assert DowntimeRecord.objects.get().entered_at is None


@pytest.mark.parametrize("who", ["worker", "other_manager", "officer"])
def test_only_the_services_manager_applies_a_decision(client, team, awaiting, who):
    record = recorded(client, team, awaiting, decision_data(awaiting))

    with pytest.raises(records.RecordRefused):
        applying.apply_record(record, by=getattr(team, who))
    assert Case.objects.get(pk=awaiting.pk).progressing == ""


def test_a_decision_is_not_applied_to_an_archived_case(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))
    Case.objects.filter(pk=awaiting.pk).update(status="declined", archived_at=NOW)

    with pytest.raises(records.RecordRefused, match="not archived"):
        applying.apply_record(record, by=team.manager)


def test_a_decision_is_not_applied_while_thrive_is_read_only(client, team, awaiting):
    record = recorded(client, team, awaiting, decision_data(awaiting))
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")

    with pytest.raises(records.RecordRefused, match="read-only"):
        applying.apply_record(record, by=team.manager)


def test_a_decision_applied_twice_is_entered_once(client, team, awaiting):
    record = recorded(
        client, team, awaiting, {**decision_data(awaiting), **worker_data(team.worker)}
    )
    url = reverse("continuity:record_apply", args=[record.pk])
    version = awaiting.version

    client.post(url, {"case_version": version})
    again = client.post(url, {"case_version": version})

    assert "already been entered" in again.text
    assert AuditEvent.objects.filter(action="case_decision_recorded").count() == 1
    assert AuditEvent.objects.filter(action="case_worker_allocated").count() == 1
    with pytest.raises(records.RecordRefused, match="already been entered"):
        applying.apply_record(record, by=team.manager)


def test_the_re_entry_queue_applies_decision_records(client, team, awaiting, accepted):
    decision = recorded(client, team, awaiting, decision_data(awaiting))
    client.post(
        add_url(accepted),
        {"work-version": str(accepted.version), **worker_data(team.worker), **about()},
    )
    allocation = DowntimeRecord.objects.exclude(pk=decision.pk).get()

    page = client.post(
        reverse("continuity:records_apply"), {"record": [decision.pk, allocation.pk]}
    )

    assert all(result["applied"] for result in page.context["results"])
    assert Case.objects.get(pk=awaiting.pk).status == "awaiting_worker"
    assert Case.objects.get(pk=accepted.pk).worker == team.worker
