"""Ending a person's sessions reads only their sessions (the owner is on each session row),
not every live session of the deployment."""

from django.test import Client

from selfservice.services import end_sessions
from thrive.models import Role, UserSession

from ..factories import person


def test_ending_sessions_touches_only_the_persons_own_sessions(
    db, service, django_assert_num_queries
):
    jo = person(Role.SERVICE_WORKER, service=service)
    for _ in range(2):
        Client().force_login(jo)
    for _ in range(20):
        Client().force_login(person(Role.SERVICE_WORKER, service=service))

    # Jo's session keys, then one delete of those sessions.
    with django_assert_num_queries(2):
        ended = end_sessions(jo)

    assert ended == 2
    assert UserSession.objects.filter(user=jo).count() == 0
    assert UserSession.objects.exclude(user=None).count() == 20


def test_the_session_kept_is_the_one_named(db, service):
    jo = person(Role.SERVICE_WORKER, service=service)
    here, elsewhere = Client(), Client()
    here.force_login(jo)
    elsewhere.force_login(jo)

    end_sessions(jo, except_key=here.session.session_key)

    assert list(UserSession.objects.filter(user=jo).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
