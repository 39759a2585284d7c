import io

import pytest
from django.core.management import CommandError, call_command

from thrive.models import Role, User


def create(monkeypatch, password, username="KLZ\\AdminA01"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    call_command(
        "create_administrator",
        username,
        full_name="Alex Admin",
        email="alex@example.org",
        council="Kent County Council",
        password_from_stdin=True,
        stdout=io.StringIO(),
    )


def test_creates_a_system_administrator_of_the_council(db, monkeypatch):
    create(monkeypatch, "Strong-Enough-Pass-9")

    user = User.objects.get(username="admina01")
    assert user.has_role(Role.SYSTEM_ADMIN)
    assert user.organisation.name == "Kent County Council"
    assert user.check_password("Strong-Enough-Pass-9")


def test_refuses_a_weak_password(db, monkeypatch):
    with pytest.raises(CommandError):
        create(monkeypatch, "password")
    assert not User.objects.exists()
