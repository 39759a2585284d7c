from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from thrive.demo import SIGN_INS, DemoRefused, load_demo_data
from thrive.outbox import held


class Command(BaseCommand):
    help = "Create or refresh the demo organisations and sign-ins (DEBUG only)."

    def handle(self, *args, **options):
        try:
            with held("demo data"):
                load_demo_data()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for username, description in SIGN_INS:
            self.stdout.write(f"  {username:<10} {description}")
        self.stdout.write(f"  Password for all: {settings.DEMO_PASSWORD}")
        self.stdout.write(
            "Health partner people (tray01, clin01, clin02, clinmgr01) can also sign in to "
            "Children and Families Online Services at /portal/sign-in/ with their email "
            "address, for example clin01@demo.thrive.invalid. New people register at "
            "/portal/register/; their emailed codes are printed in this console."
        )
