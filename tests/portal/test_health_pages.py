"""The health partner's pages: the work tray, the landing page tabs, the task form with its
sections and repeatable tables, Re-Assign and Decline."""

import re

from django.urls import reverse

from portal.delegation import services
from portal.models import Status

from .conftest import COMPLETE, make_task


def task_url(task, section=1):
    return f"{reverse('portal:task', args=[task.pk])}?section={section}"


def test_the_work_tray_lists_undelegated_tasks(client, tray_admin, tray_task):
    client.force_login(tray_admin)

    page = client.get(reverse("portal:work_tray"))

    assert "Diane Bluebell" in page.text
    assert reverse("portal:delegate", args=[tray_task.pk]) in page.text


def test_the_tray_admin_delegates_from_the_tray(client, tray_admin, tray_task, clinician):
    client.force_login(tray_admin)

    response = client.post(
        reverse("portal:delegate", args=[tray_task.pk]), {"person": clinician.pk}
    )

    assert response.status_code == 302
    tray_task.refresh_from_db()
    assert tray_task.clinician == clinician


def test_the_landing_page_has_three_tabs_with_counts(
    client, ehcna, send_officer, group, clinician, django_assert_max_num_queries
):
    make_task(ehcna, send_officer, group, clinician)
    retracted = make_task(ehcna, send_officer, group, clinician, child_name="Frodo Bagginski")
    services.retract_task(retracted, by=send_officer, reason="Sent in error")
    client.force_login(clinician)

    # 15: one more than before the emailed code, for django-otp's device on each request.
    with django_assert_max_num_queries(15):
        page = client.get(reverse("portal:landing"))

    assert "Currently Assigned Tasks (1)" in page.text
    assert "Recently Retracted Tasks (1)" in page.text
    assert "Recently Submitted Tasks (0)" in page.text
    assert "Re-Assign" in page.text and "Please complete the report" in page.text


def test_sorting_or_paging_a_landing_page_tab_stays_on_that_tab(
    client, ehcna, send_officer, group, clinician
):
    make_task(ehcna, send_officer, group, clinician, child_name="Amy Assigned")
    for number in range(51):  # a page is 50
        retracted = make_task(ehcna, send_officer, group, clinician, child_name=f"Rory {number}")
        services.retract_task(retracted, by=send_officer, reason="Sent in error")
    client.force_login(clinician)

    page = client.get(reverse("portal:landing"), {"tab": "retracted"}).content.decode()

    current = re.search(r'<a class="moj-sub-navigation__link" aria-current="page"[^>]*>', page)
    assert 'data-testid="tab-retracted"' in current.group(0)
    assert "Rory" in page and "Amy Assigned" not in page
    sort_links = re.findall(
        r'class="govuk-link govuk-link--no-visited-state thrive-sort" href="([^"]*)"', page
    )
    assert sort_links and all("tab=retracted" in link for link in sort_links)
    next_page = re.search(r'href="([^"]*)" rel="next"', page).group(1)
    assert "tab=retracted" in next_page


def test_the_landing_page_opens_on_currently_assigned_tasks(
    client, ehcna, send_officer, group, clinician
):
    make_task(ehcna, send_officer, group, clinician, child_name="Amy Assigned")
    client.force_login(clinician)

    page = client.get(reverse("portal:landing")).content.decode()

    current = re.search(r'<a class="moj-sub-navigation__link" aria-current="page"[^>]*>', page)
    assert 'data-testid="tab-assigned"' in current.group(0)
    assert "Amy Assigned" in page


def test_the_task_page_shows_the_header_and_prefilled_first_section(client, clinician, task):
    client.force_login(clinician)

    page = client.get(task_url(task))

    assert "Required By" in page.text and "Sam Ellis" in page.text and "SEND North" in page.text
    assert 'value="Diane Bluebell"' in page.text
    assert "1. Details of the child or young person" in page.text
    assert "NHS number (optional)" in page.text


def test_save_keeps_an_incomplete_draft(client, clinician, task):
    client.force_login(clinician)

    response = client.post(task_url(task, 2), {"action": "save", "version": 1, "background": "x"})

    assert response["Location"] == task_url(task, 2)
    task.refresh_from_db()
    assert task.answers["background"] == "x" and task.status == Status.IN_PROGRESS


def test_next_and_previous_save_and_move_between_sections(client, clinician, task):
    client.force_login(clinician)

    response = client.post(task_url(task, 2), {"action": "next", "background": "x"})
    assert response["Location"] == task_url(task, 3)
    response = client.post(task_url(task, 3), {"action": "previous", "health_needs": "y"})
    assert response["Location"] == task_url(task, 2)
    task.refresh_from_db()
    assert task.answers["health_needs"] == "y"


def test_table_rows_are_added_and_removed_without_javascript(client, clinician, task):
    client.force_login(clinician)
    url = task_url(task, 5)
    row = {
        "health_provision-rows": 1,
        "health_provision-0-provision": "Provision 1",
        "health_provision-0-who": "Mary",
    }

    client.post(url, {**row, "action": "add:health_provision"})
    page = client.get(url)
    assert 'name="health_provision-1-who"' in page.text
    client.post(
        url,
        {
            **row,
            "health_provision-rows": 2,
            "health_provision-1-provision": "Provision 2",
            "health_provision-1-who": "John",
            "action": "save",
        },
    )
    task.refresh_from_db()
    assert [r["who"] for r in task.answers["health_provision"]] == ["Mary", "John"]

    client.post(
        url,
        {
            "health_provision-rows": 2,
            "health_provision-0-provision": "Provision 1",
            "health_provision-0-who": "Mary",
            "health_provision-1-provision": "Provision 2",
            "health_provision-1-who": "John",
            "action": "remove:health_provision-0",
        },
    )
    task.refresh_from_db()
    assert task.answers["health_provision"] == [{"provision": "Provision 2", "who": "John"}]


def test_a_table_date_must_be_a_real_date(client, clinician, task):
    client.force_login(clinician)

    page = client.post(
        task_url(task, 6),
        {
            "reports-rows": 1,
            "reports-0-report": "Report 1",
            "reports-0-date": "31/02/2021",
            "action": "save",
        },
    )

    assert "Date in row 1 of Reports and meetings must be a real date" in page.text
    client.post(
        task_url(task, 6),
        {
            "reports-rows": 1,
            "reports-0-report": "Report 1",
            "reports-0-date": "20-07-2021",
            "action": "save",
        },
    )
    task.refresh_from_db()
    assert task.answers["reports"] == [{"report": "Report 1", "date": "2021-07-20"}]


def test_submit_lists_every_missing_required_answer(client, clinician, task):
    client.force_login(clinician)

    page = client.post(task_url(task, 1), {"action": "submit", "full_name": "Diane Bluebell"})

    assert page.status_code == 200
    assert "<title>Error:" in page.text
    assert "govuk-error-summary" in page.text
    assert "Enter background (section 2)" in page.text
    assert f'href="{task_url(task, 5)}#answer-health_provision"' in page.text.replace("&amp;", "&")
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_submit_contribution_with_every_answer(client, clinician, task, send_officer):
    services.save_answers(task, by=clinician, answers=COMPLETE)
    client.force_login(clinician)

    response = client.post(
        task_url(task, 7),
        {
            "action": "submit",
            "version": task.version,
            "author_name": "Chloe Lin",
            "author_role": "OT",
            "completed_on_day": 20,
            "completed_on_month": 11,
            "completed_on_year": 2026,
        },
    )

    assert response["Location"] == reverse("portal:landing")
    task.refresh_from_db()
    assert task.status == Status.SUBMITTED
    assert "Recently Submitted Tasks (1)" in client.get(reverse("portal:landing")).text


def test_a_retracted_task_is_read_only(client, clinician, task, send_officer):
    services.retract_task(task, by=send_officer, reason="Sent in error")
    client.force_login(clinician)

    page = client.get(task_url(task))

    assert "read-only" in page.text and 'name="full_name"' not in page.text
    assert client.post(task_url(task), {"action": "save"}).status_code == 404
    assert client.get(reverse("portal:reassign", args=[task.pk])).status_code == 404


def test_reassign_offers_the_work_group_and_records_the_hand_over(
    client, clinician, colleague, group_manager, task, send_officer
):
    client.force_login(clinician)
    page = client.get(reverse("portal:reassign", args=[task.pk]))
    assert "Colin Ives" in page.text and "Clara Morgan" in page.text

    client.post(reverse("portal:reassign", args=[task.pk]), {"person": group_manager.pk})

    task.refresh_from_db()
    assert task.status == Status.AWAITING_COUNTERSIGNATURE
    assert client.get(task_url(task)).status_code == 404  # no longer theirs
    client.force_login(send_officer)
    history = client.get(reverse("portal:send_task", args=[task.pk])).text
    assert "Re-assigned" in history and "Clara Morgan" in history


def test_reassign_names_the_work_groups_manager_as_the_counter_signatory(
    client, clinician, colleague, group_manager, task
):
    client.force_login(clinician)

    page = client.get(reverse("portal:reassign", args=[task.pk])).text

    labels = re.findall(r"<label[^>]*>\s*([^<]*?)\s*</label>", page)
    [manager_label] = [label for label in labels if "Clara Morgan" in label]
    [colleague_label] = [label for label in labels if "Colin Ives" in label]
    assert "Counter Signatory, manager of Children&#x27;s Therapies" in manager_label
    assert "Counter Signatory" not in colleague_label


def test_decline_child_not_known_with_a_reason(client, clinician, task):
    client.force_login(clinician)

    client.post(reverse("portal:decline", args=[task.pk]), {"reason": "Not known to us"})

    task.refresh_from_db()
    assert task.status == Status.DECLINED and task.decline_reason == "Not known to us"


def test_a_save_from_a_stale_page_keeps_the_typing_and_says_why(client, clinician, task):
    services.save_answers(task, by=clinician, answers={"background": "From another window"})
    client.force_login(clinician)

    page = client.post(task_url(task, 2), {"action": "save", "version": 1, "background": "Mine"})

    assert page.status_code == 200
    assert "saved in another window" in page.text and "Mine</textarea>" in page.text
    task.refresh_from_db()
    assert task.answers["background"] == "From another window"


def test_a_number_must_be_a_number(client, clinician, ehcna, send_officer, group):
    from portal.models import FormDefinition

    ot = FormDefinition.objects.get(name__startswith="OT advice")
    task = make_task(ot, send_officer, group, clinician)
    client.force_login(clinician)

    page = client.post(task_url(task, 2), {"action": "save", "sessions": "three"})

    assert "Number of sessions must be a number" in page.text
    assert "<title>Error:" in page.text


def test_an_overdue_task_says_so_on_the_landing_page(client, ehcna, send_officer, group, clinician):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() - timedelta(days=2)
    make_task(ehcna, send_officer, group, clinician, required_by=due)
    client.force_login(clinician)

    page = client.get(reverse("portal:landing"))

    assert f"{due:%d-%b-%Y} (overdue)" in page.text
