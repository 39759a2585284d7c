import pytest
from django.urls import reverse

from selfservice import services
from selfservice.models import SecurityQuestion
from thrive.models import AuditEvent, Role

from ..factories import PASSWORD, person
from .factories import sign_in

URL = reverse("selfservice:questions")
PET = "What was the name of your first pet?"
SCHOOL = "What was the name of your first school?"


def answers(**overrides):
    data = {
        "question_1": PET,
        "answer_1": "Biscuit",
        "question_2": SCHOOL,
        "answer_2": "St Mary's",
        "question_3": "own",
        "own_question_3": "Where did we go on the 1999 holiday?",
        "answer_3": "Whitstable",
        "current_password": PASSWORD,
    }
    return {**data, **overrides}


@pytest.fixture
def newcomer(db, service):
    return person(Role.SERVICE_WORKER, service=service, username="newcm01", full_name="Ann Ode")


def test_setting_up_three_questions(client, newcomer):
    client.force_login(newcomer)

    response = client.post(URL, answers())

    assert response.status_code == 302
    stored = list(SecurityQuestion.objects.filter(user=newcomer).order_by("position"))
    assert [q.question for q in stored] == [PET, SCHOOL, "Where did we go on the 1999 holiday?"]
    assert services.has_self_service(newcomer)
    assert AuditEvent.objects.filter(action="security_questions_set", user=newcomer).exists()


def test_answers_are_kept_only_as_hashes_and_never_shown_again(client, newcomer):
    client.force_login(newcomer)
    client.post(URL, answers())

    assert not SecurityQuestion.objects.filter(answer__icontains="biscuit").exists()
    page = client.get(URL).text
    assert "Biscuit" not in page and "Whitstable" not in page
    assert "Change your security questions" in page
    assert "Where did we go on the 1999 holiday?" in page  # the questions may be shown


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        (["Biscuit", "St Mary's", "Whitstable"], True),
        ([" Biscuit ", "St  Mary's", "Whitstable"], True),  # spaces are forgiven
        (["biscuit", "St Mary's", "Whitstable"], False),  # case is not
        (["BISCUIT", "St Mary's", "Whitstable"], False),
        (["Biscuit", "St Mary's", "Whitstabl"], False),
        (["Biscuit", "Whitstable", "St Mary's"], False),  # order matters
    ],
)
def test_answers_are_case_sensitive(client, newcomer, typed, right):
    client.force_login(newcomer)
    client.post(URL, answers())

    assert services.answers_match(newcomer, typed) is right


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"question_1": ""}, "Choose question 1"),
        ({"answer_2": ""}, "Enter the answer to question 2"),
        ({"own_question_3": ""}, "Write your own question 3, or choose one from the list"),
        ({"question_2": PET}, "Question 2 is the same as another"),
        ({"answer_1": "ab"}, "The answer to question 1 must be at least 3 characters"),
        ({"answer_2": "St Mary's", "answer_1": "St Mary's"}, "Give a different answer to each"),
        ({"answer_1": "pet"}, "The answer to question 1 must not be part of the question"),
        ({"answer_1": "NEWCM01"}, "The answer to question 1 must not be your username"),
        ({"current_password": "wrong"}, "Your current password is not right"),
        ({"current_password": ""}, "Enter your current password"),
    ],
)
def test_each_problem_is_named(client, newcomer, overrides, message):
    client.force_login(newcomer)

    response = client.post(URL, answers(**overrides))

    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert not SecurityQuestion.objects.filter(user=newcomer).exists()


def test_changing_questions_replaces_them(client, jo):
    client.force_login(jo)

    client.post(URL, answers())

    assert SecurityQuestion.objects.filter(user=jo).count() == 3
    assert services.answers_match(jo, ["Biscuit", "St Mary's", "Whitstable"])
    assert AuditEvent.objects.filter(action="security_questions_changed", user=jo).exists()


def test_a_banner_nags_until_questions_are_set_up(client, newcomer):
    sign_in(client, "newcm01")

    home = client.get(reverse("home"))
    assert home.status_code == 200  # a banner, not a gate
    assert "Set up your security questions" in home.text

    client.post(URL, answers())

    assert "Set up your security questions" not in client.get(reverse("home")).text


def test_no_banner_for_someone_with_questions(client, jo):
    sign_in(client, "bloggj01")

    assert "Set up your security questions" not in client.get(reverse("home")).text


def test_the_first_sign_in_still_goes_policy_then_home(client, db, service):
    person(Role.SERVICE_WORKER, service=service, username="fresh01", accepted=False)
    sign_in(client, "fresh01")

    assert client.get(reverse("home"))["Location"].startswith(reverse("aup"))
    client.post(reverse("aup"), {"name_given": "Fresh", "agree": "on", "next": "/"})
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Set up your security questions" in home.text
