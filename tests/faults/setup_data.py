"""The suite's people: the demo data (loaded with DEBUG on, as it must be), its passwords hashed
with fewer PBKDF2 rounds so that loading takes seconds rather than minutes on a small machine
(the hash records its rounds: signing in still checks it, then re-hashes it at full strength),
and the Acceptable Use Policy accepted by the people the load signs in as."""

import django
from django.contrib.auth.hashers import PBKDF2PasswordHasher


def main(usernames: list[str]) -> None:
    PBKDF2PasswordHasher.iterations = 1000
    django.setup()
    from django.core.management import call_command

    from thrive.models import AcceptableUsePolicy, PolicyAcceptance, User

    call_command("demo_data", verbosity=0)
    policy = AcceptableUsePolicy.current()
    for user in User.objects.filter(username__in=usernames):
        PolicyAcceptance.objects.get_or_create(
            user=user, policy=policy, defaults={"name_given": user.full_name}
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
