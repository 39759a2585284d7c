"""The forgotten (or expired) password journey, its lockout, and that it never reveals which
accounts exist."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from selfservice import services
from selfservice.models import SelfServiceLock
from selfservice.services import SUGGESTED_QUESTIONS
from thrive.models import AuditEvent, Role

from ..factories import PASSWORD, person
from .factories import ANSWERS, outbox

START = reverse("selfservice:forgotten")
QUESTIONS = reverse("selfservice:forgotten_questions")
CODE = reverse("selfservice:forgotten_code")
NEW_PASSWORD = reverse("selfservice:forgotten_new_password")
RIGHT = {f"answer_{n}": answer for n, (_q, answer) in enumerate(ANSWERS, start=1)}
WRONG = {**RIGHT, "answer_1": "biscuit"}


def start(client, username="bloggj01"):
    return client.post(START, {"username": username})


def emailed_code():
    [email] = outbox("reset code")[-1:]
    return re.search(r"\b(\d{6})\b", email.body).group(1)


def answer(client, answers=RIGHT):
    return client.post(QUESTIONS, answers)


def test_the_whole_journey(client, jo):
    elsewhere = Client()
    elsewhere.force_login(jo)

    assert start(client, "KLZ\\bloggj01")["Location"] == QUESTIONS
    page = client.get(QUESTIONS)
    for question, _answer in ANSWERS:
        assert question in page.text
    assert answer(client)["Location"] == CODE
    assert client.post(CODE, {"code": emailed_code()})["Location"] == NEW_PASSWORD
    response = client.post(
        NEW_PASSWORD, {"new_password": "Copper-Kite-77", "confirm_password": "Copper-Kite-77"}
    )

    assert response["Location"] == reverse("selfservice:forgotten_done")
    jo.refresh_from_db()
    assert jo.check_password("Copper-Kite-77")
    assert not jo.check_password(PASSWORD)
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert outbox("password has been changed")
    assert AuditEvent.objects.filter(action="password_reset", user=jo).exists()
    assert client.get(NEW_PASSWORD)["Location"] == START  # the journey is over


@pytest.mark.parametrize("typed", ["bloggj01", "BLOGGJ01", "KLZ\\bloggj01", "bloggj01@klz.org.uk"])
def test_the_old_username_forms_are_tolerated(client, jo, typed):
    start(client, typed)

    assert ANSWERS[0][0] in client.get(QUESTIONS).text


def test_the_new_password_must_meet_the_rules(client, jo):
    start(client)
    answer(client)
    client.post(CODE, {"code": emailed_code()})

    response = client.post(
        NEW_PASSWORD, {"new_password": "Bloggs-Kite-7", "confirm_password": "Bloggs-Kite-7"}
    )

    assert "it contains ‘blo’" in response.text
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


def test_the_history_is_checked_without_the_current_password(client, jo):
    services.set_password(jo, raw_password="Password-Kite-01", request=None, action="test")
    start(client)
    answer(client)
    client.post(CODE, {"code": emailed_code()})

    response = client.post(
        NEW_PASSWORD, {"new_password": "Password-Kite-02", "confirm_password": "Password-Kite-02"}
    )

    assert "Your password must be different from your last 24 passwords" in response.text


def test_answers_are_case_sensitive(client, jo):
    start(client)

    response = answer(client, WRONG)

    assert "One or more of your answers is not right" in response.text
    assert "You have 4 tries left" in response.text
    assert AuditEvent.objects.filter(action="selfservice_failed", user=jo).exists()


def test_steps_cannot_be_skipped(client, jo):
    assert client.get(QUESTIONS)["Location"] == START
    start(client)

    assert client.get(CODE)["Location"] == QUESTIONS
    assert client.get(NEW_PASSWORD)["Location"] == QUESTIONS
    assert client.post(NEW_PASSWORD, {"new_password": "x"})["Location"] == QUESTIONS


def test_the_emailed_code_can_be_turned_off(client, jo, settings):
    settings.SELFSERVICE_EMAIL_CODE = False
    start(client)

    assert answer(client)["Location"] == NEW_PASSWORD
    assert not outbox("reset code")


def test_the_code_email_carries_no_personal_data(client, jo):
    start(client)
    answer(client)

    [email] = outbox("reset code")
    assert email.to == [jo.email]
    assert "bloggj01" not in email.body and "Bloggs" not in email.body


def test_a_wrong_code_counts_towards_the_lockout(client, jo):
    start(client)
    answer(client)

    response = client.post(CODE, {"code": "000000" if emailed_code() != "000000" else "111111"})

    assert "That code is not right or has expired" in response.text
    assert SelfServiceLock.objects.get(user=jo).failures == 1


def test_a_code_expires(client, jo, settings):
    start(client)
    answer(client)
    code = emailed_code()

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(CODE, {"code": code})

    assert "That code is not right or has expired" in response.text


def test_a_new_code_replaces_the_old_one(client, jo):
    start(client)
    answer(client)
    first = emailed_code()

    client.post(CODE, {"send_again": "1"})
    second = emailed_code()

    if first != second:
        assert "That code is not right" in client.post(CODE, {"code": first}).text
    assert client.post(CODE, {"code": second})["Location"] == NEW_PASSWORD


# --- The lockout ----------------------------------------------------------------------------


def fail(client, times, username="bloggj01"):
    for _ in range(times):
        start(client, username)
        response = answer(client, WRONG)
    return response


def test_five_wrong_tries_lock_for_15_minutes(client, jo):
    response = fail(client, 5)

    assert "too many wrong tries. You can try again after" in response.text
    start(client)
    assert "too many wrong tries" in answer(client).text  # even right answers wait
    assert AuditEvent.objects.filter(action="selfservice_locked", user=jo).exists()

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        start(client)
        assert answer(client)["Location"] == CODE


def test_after_the_15_minutes_more_wrong_tries_need_the_manager(client, jo):
    fail(client, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = fail(client, 5)

    assert "Ask your manager to request a password reset" in response.text
    lock = SelfServiceLock.objects.get(user=jo)
    assert lock.needs_administrator
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        start(client)
        assert "Ask your manager" in answer(client).text


def test_an_administrator_can_unlock(client, jo, admin_user):
    fail(client, 5)

    services.unlock(jo, by=admin_user, request=None)

    start(client)
    assert answer(client)["Location"] == CODE
    assert AuditEvent.objects.filter(action="selfservice_unlocked").exists()


# --- Never revealing which accounts exist ---------------------------------------------------


def questions_shown(client, username):
    start(client, username)
    page = client.get(QUESTIONS).text
    return [q for q in SUGGESTED_QUESTIONS if q in page]


def test_an_unknown_username_gets_plausible_questions_the_same_each_time(client, db):
    first = questions_shown(client, "nobody01")

    assert len(first) == 3
    assert questions_shown(Client(), "nobody01") == first
    assert questions_shown(Client(), "KLZ\\NOBODY01") == first


def test_different_unknown_usernames_get_different_questions(client, db):
    seen = {tuple(questions_shown(Client(), f"nobody{n:02d}")) for n in range(8)}

    assert len(seen) > 1


@pytest.mark.parametrize("who", ["unknown", "no_questions", "suspended"])
def test_accounts_that_cannot_reset_look_like_any_other(client, jo, service, who):
    if who == "no_questions":
        person(Role.SERVICE_WORKER, service=service, username="target01")
    elif who == "suspended":
        services.set_security_questions(
            person(Role.SERVICE_WORKER, service=service, username="target01", is_active=False),
            questions=ANSWERS,
            request=None,
        )

    start(client, "target01")
    page = client.get(QUESTIONS)
    wrong = answer(client, RIGHT)

    real = Client()
    start(real, "bloggj01")
    real_wrong = answer(real, WRONG)
    assert page.status_code == 200
    assert len(questions_shown(Client(), "target01")) == 3
    assert wrong.status_code == real_wrong.status_code == 200
    assert "One or more of your answers is not right" in wrong.text
    assert "You have 4 tries left" in wrong.text
    assert [t.name for t in wrong.templates][:1] == [t.name for t in real_wrong.templates][:1]


def test_an_unknown_username_locks_just_like_a_real_one(client, db):
    response = fail(client, 5, username="nobody01")

    assert "too many wrong tries. You can try again after" in response.text
    assert (
        AuditEvent.objects.filter(action="selfservice_failed", note="answers; no account").count()
        == 5
    )


def test_right_answers_start_the_count_again(client, jo):
    fail(client, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        start(client)
        answer(client)  # right: on to the code
        response = fail(Client(), 5)

    assert "You can try again after" in response.text  # a 15-minute lock again, not the manager
    assert not SelfServiceLock.objects.get(user=jo).needs_administrator
