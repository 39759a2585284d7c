import pytest
from django.urls import reverse

from thrive.models import AcceptableUsePolicy, AuditEvent, PolicyAcceptance, Role

from ..factories import person


@pytest.fixture
def newcomer(db, service):
    return person(Role.SERVICE_WORKER, service=service, accepted=False, full_name="Jo Bloggs")


def test_first_sign_in_must_accept_the_policy_before_anything_else(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('aup')}?next=/"


def test_policy_page_shows_the_policy_text(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("aup"))

    assert "Thrive Acceptable Use Policy" in response.text
    assert "share your password with anyone" in response.text
    assert "Your DBS should be renewed every three years" in response.text


def test_policy_page_reads_as_headings_paragraphs_and_bullets_not_python(client, newcomer):
    AcceptableUsePolicy.objects.create(
        version=9, body="Introduction\n\nYou must keep it safe.\n\n- Lock your screen\n- Sign out"
    )
    client.force_login(newcomer)

    response = client.get(reverse("aup"))

    page = response.content.decode()
    html = page[page.index('class="thrive-aup"') :]
    html = html[: html.index("</div>")]
    assert '<h2 class="govuk-heading-m">Introduction</h2>' in html
    assert '<p class="govuk-body">You must keep it safe.</p>' in html
    assert "<li>Lock your screen</li><li>Sign out</li>" in html
    assert "(&#x27;" not in html


def test_accepting_records_name_and_date_and_lets_the_person_in(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("aup"), {"name_given": "Jo Bloggs", "agree": "on", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    acceptance = PolicyAcceptance.objects.get(user=newcomer)
    assert acceptance.name_given == "Jo Bloggs"
    assert acceptance.accepted_at is not None
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="aup_accepted", user=newcomer).exists()


def test_accepting_without_name_or_tick_is_refused_with_clear_errors(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("aup"), {"name_given": "", "next": "/"})

    assert response.status_code == 200
    assert "Enter your full name to accept the policy" in response.text
    assert "Confirm that you have read and will comply with the policy" in response.text
    assert not PolicyAcceptance.objects.exists()


def test_a_new_policy_version_must_be_accepted_again(client, worker):
    client.force_login(worker)
    assert client.get(reverse("home")).status_code == 200

    AcceptableUsePolicy.objects.create(version=2, body="Updated policy\n\nNew rules apply.")

    assert client.get(reverse("home"))["Location"].startswith(reverse("aup"))


def test_the_gate_does_not_send_people_to_another_site(client, newcomer):
    client.force_login(newcomer)

    response = client.post(
        reverse("aup"), {"name_given": "Jo", "agree": "on", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_sign_out_works_before_accepting(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
