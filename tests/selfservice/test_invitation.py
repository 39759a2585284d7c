"""The single-use link a new account (or an approved password reset) gets by email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from selfservice import services
from selfservice.models import Invitation, SecurityQuestion
from thrive.models import AuditEvent, Role, User

from ..factories import person
from .factories import outbox, sign_in

FORM = {
    "new_password": "Copper-Kite-77",
    "confirm_password": "Copper-Kite-77",
    "question_1": "What was the name of your first pet?",
    "answer_1": "Biscuit",
    "question_2": "What was the name of your first school?",
    "answer_2": "Hillview",
    "question_3": "In which town or city were you born?",
    "answer_3": "Margate",
}


@pytest.fixture
def invited(db, service):
    user = User.objects.create_user(
        "patel01", password=None, full_name="Nina Patel", email="nina@example.org"
    )
    user.memberships.create(role=Role.SERVICE_WORKER, service=service)
    token = services.issue_invitation(user, purpose=Invitation.Purpose.NEW_ACCOUNT, request=None)
    return user, reverse("selfservice:invitation", args=[token])


def test_the_emailed_link_shows_the_username_and_asks_for_password_and_questions(client, invited):
    user, url = invited
    [email] = outbox("account is ready")
    assert re.search(r"/selfservice/invitation/[\w-]+/", email.body).group() == url

    page = client.get(url)

    assert page.status_code == 200
    assert "patel01" in page.text
    assert "Your security questions" in page.text
    assert not Invitation.objects.filter(digest__contains=url.split("/")[-2]).exists()


def test_accepting_sets_both_and_the_person_can_sign_in(client, invited):
    user, url = invited

    response = client.post(url, FORM)

    assert response["Location"] == reverse("selfservice:invitation_done")
    user.refresh_from_db()
    assert user.check_password("Copper-Kite-77")
    assert SecurityQuestion.objects.filter(user=user).count() == 3
    assert AuditEvent.objects.filter(action="password_set_by_invitation", user=user).exists()
    assert sign_in(client, "patel01", "Copper-Kite-77")["Location"] == reverse("home")


def test_the_link_works_once(client, invited):
    _user, url = invited
    client.post(url, FORM)

    response = client.get(url)

    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_the_link_expires(client, invited):
    _user, url = invited

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(url).status_code == 404


def test_a_newer_link_replaces_the_old_one(client, invited):
    user, url = invited
    services.issue_invitation(user, purpose=Invitation.Purpose.PASSWORD_RESET, request=None)

    assert client.get(url).status_code == 404


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("selfservice:invitation", args=["nonsense"])).status_code == 404


def test_the_password_rules_apply(client, invited):
    user, url = invited

    response = client.post(url, {**FORM, "new_password": "patel-77!", "confirm_password": "x"})

    assert "it contains ‘pat’" in response.text
    assert "The passwords do not match" not in response.text  # one problem at a time
    assert not user.security_questions.exists()


def test_question_problems_are_shown_with_password_problems(client, invited):
    _user, url = invited

    response = client.post(url, {**FORM, "answer_2": "", "new_password": "short"})

    assert "Enter the answer to question 2" in response.text
    assert "at least 6 characters long" in response.text


def test_a_suspended_account_cannot_use_its_link(client, invited):
    user, url = invited
    user.is_active = False
    user.save()

    assert client.get(url).status_code == 404


def test_a_reset_link_for_an_existing_person(client, jo):
    token = services.issue_invitation(jo, purpose=Invitation.Purpose.PASSWORD_RESET, request=None)
    client.post(reverse("selfservice:invitation", args=[token]), FORM)

    jo.refresh_from_db()
    assert jo.check_password("Copper-Kite-77")


def test_the_new_person_sees_the_policy_at_first_sign_in(client, invited, service):
    _user, url = invited
    client.post(url, FORM)
    sign_in(client, "patel01", "Copper-Kite-77")

    assert client.get(reverse("home"))["Location"].startswith(reverse("aup"))


def test_a_person_without_a_role_is_not_needed_for_the_link(client, db):
    loner = person(Role.SEND_OFFICER)
    token = services.issue_invitation(
        loner, purpose=Invitation.Purpose.PASSWORD_RESET, request=None
    )

    assert client.get(reverse("selfservice:invitation", args=[token])).status_code == 200
