"""Rule 4: a password must not be one of the last 24, nor "sequential" to one of them."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from selfservice import services
from selfservice.models import PasswordHistory
from selfservice.validators import is_small_change, password_variants
from thrive.models import Role

from ..factories import PASSWORD, person


@pytest.fixture
def dana(db, service):
    return person(Role.SERVICE_WORKER, service=service, username="dana01", full_name="Dana Quill")


def has_had(user, *passwords):
    for password in passwords:
        services.set_password(user, raw_password=password, request=None, action="test")
    user.refresh_from_db()
    return user


def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("old", "new", "refused"),
    [
        ("Password01", "Password02", True),  # the AUP's example
        ("Password01", "Password03", True),
        ("Password02", "Password01", True),
        ("Password09", "Password10", True),  # keeps the leading zero
        ("Password01", "PASSWORD01", True),  # case only
        ("Password01", "password01", True),
        ("Summer2025!", "Summer2026!", True),
        ("Summer2025!", "Summer2027!", True),
        ("Tiger-Lily-7", "Tiger-Lily-8", True),
        ("Tiger-Lily-7", "Tiger-Lily-7?", True),  # a symbol added at the end
        ("Tiger-Lily-7", "Tiger-Lily-7!", True),
        ("Blue.Horse.9", "Blue.Horse.99", True),  # a character added at the end
        ("Blue.Horse.9!", "Blue.Horse.9", True),  # "!" taken off the end
        # Both numbers moved at once is beyond the bounded set of variants checked against
        # the history; typed with the current password, the direct comparison catches it.
        ("Plum7-Kite4", "Plum8-Kite5", False),
        ("Winter-Oak-42", "Copper-Kite-77", False),
        ("Winter-Oak-42", "Winter-Oak-45", False),  # a bigger step: not "sequential"
        ("Winter-Oak-42", "Oak-Winter-42", False),
    ],
)
def test_history_refuses_repeats_and_small_changes(dana, old, new, refused):
    has_had(dana, old, "Unrelated-Path-3")

    assert ("password_reused" in codes(new, dana)) is refused


@pytest.mark.parametrize(
    ("current", "new", "small"),
    [
        ("Password01", "Password02", True),
        ("Password01", "Password05", True),  # numbers changed, nothing else
        ("Plum7-Kite4", "Plum8-Kite5", True),
        ("Summer2019!", "Summer2026!", True),
        ("Tiger-Lily-7", "Tiger-Lilly-7", True),  # one letter added
        ("Tiger-Lily-7", "tIGER-lILY-7", True),
        ("Tiger-Lily-7", "Xiger-Lily-8", True),  # two characters changed
        ("Tiger-Lily-7", "Tiger-Daisy-7", False),
        ("Winter-Oak-42", "Copper-Kite-77", False),
    ],
)
def test_with_the_current_password_typed_small_changes_are_compared_directly(current, new, small):
    assert is_small_change(current, new) is small


def test_only_the_last_24_passwords_count(dana):
    words = [
        "Amber", "Birch", "Cedar", "Delta", "Ember", "Fjord", "Grove", "Heron", "Inlet",
        "Juniper", "Kestrel", "Lagoon", "Meadow", "Nettle", "Orchid", "Pebble", "Quartz",
        "Raven", "Spruce", "Thistle", "Umber", "Violet", "Willow", "Xenon", "Yarrow",
    ]  # fmt: skip
    has_had(dana, *[f"{word}-Path-{n}" for n, word in enumerate(words)])

    assert PasswordHistory.objects.filter(user=dana).count() == 24
    assert codes("Amber-Path-0", dana) == set()  # the 25th most recent: allowed again
    assert "password_reused" in codes("Birch-Path-1", dana)


def test_the_current_password_set_outside_self_service_is_refused(dana):
    assert "password_reused" in codes(PASSWORD, dana)


def test_only_slow_salted_hashes_are_kept(dana):
    has_had(dana, "Winter-Oak-42", "Copper-Kite-77")

    digests = list(PasswordHistory.objects.filter(user=dana).values_list("digest", flat=True))
    assert all(d.startswith("pbkdf2_sha256$") for d in digests)
    assert not any("winter" in d.lower() or "copper" in d.lower() for d in digests)
    assert len({d.split("$")[2] for d in digests}) == 1  # one salt per person


def test_the_variants_checked_are_few(dana):
    assert len(password_variants("Ab12Cd34Ef56!!")) <= 14
    assert "password01" in password_variants("Password02")


def test_history_is_per_person(dana, service):
    other = person(Role.SERVICE_WORKER, service=service)
    has_had(other, "Winter-Oak-42")

    assert codes("Winter-Oak-42", dana) == set()


def test_a_new_password_is_recorded_each_time_it_is_set(dana):
    has_had(dana, "Winter-Oak-42")
    has_had(dana, "Copper-Kite-77")

    assert PasswordHistory.objects.filter(user=dana).count() == 2
