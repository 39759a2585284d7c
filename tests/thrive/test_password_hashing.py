"""Passwords are stored with Argon2id at no less than OWASP's minimum, and older PBKDF2 hashes
are replaced as people sign in. (The rest of the suite hashes with MD5 for speed, see
tests/conftest.py; these tests put the production hashers back.)"""

import pytest
from argon2 import extract_parameters
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from thrive.models import Role, User

from ..factories import PASSWORD, person

PRODUCTION_HASHERS = django_settings.PASSWORD_HASHERS


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_new_passwords_are_argon2id_at_owasp_minimum_or_above(production_hashers):
    encoded = make_password("Correct-Horse-7")

    parameters = extract_parameters(encoded.removeprefix("argon2"))
    assert encoded.startswith("argon2$argon2id$")
    # OWASP: m = 19 MiB, t = 2, p = 1 (or more memory with fewer passes).
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2
    assert parameters.parallelism >= 1


def test_a_pbkdf2_password_is_upgraded_to_argon2id_at_sign_in(client, service, production_hashers):
    bloggs = person(Role.SERVICE_WORKER, service=service, username="bloggj01")
    User.objects.filter(pk=bloggs.pk).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, "somesalt12345678")
    )

    response = client.post("/accounts/login/", {"login": "bloggj01", "password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=bloggs.pk).password.startswith("argon2$argon2id$")
