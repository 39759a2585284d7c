import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from thrive.models import Membership, Organisation, Role, User, normalise_username


class Command(BaseCommand):
    help = (
        "Create the first system administrator of a new deployment (or give an existing "
        "person that role). They set up a second factor when they first sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--council", required=True, help="The council's name")
        parser.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="Read the password from standard input instead of prompting",
        )

    def handle(self, *args, username, full_name, email, council, password_from_stdin, **opts):
        username = normalise_username(username)
        if password_from_stdin:
            password = input().strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        user = User(username=username, full_name=full_name, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(
                name=council, defaults={"kind": Organisation.Kind.COUNCIL}
            )
            if organisation.kind != Organisation.Kind.COUNCIL:
                raise CommandError(f"{council} exists and is not a council.")
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={"full_name": full_name, "email": email, "organisation": organisation},
            )
            user.set_password(password)
            user.save()
            Membership.objects.get_or_create(user=user, role=Role.SYSTEM_ADMIN)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} is a system administrator. They will set up an authenticator "
                "app when they first sign in."
            )
        )
