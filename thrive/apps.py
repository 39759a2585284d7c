from django.apps import AppConfig


class ThriveConfig(AppConfig):
    name = "thrive"
    verbose_name = "Thrive core"

    def ready(self):
        from django.core.checks import register

        from . import lazysettings

        lazysettings.install()  # before any request reads a setting

        # Deploy checks; scheduled job runs; the audit of sign-in and sign-out.
        from . import checks, operations, signals  # noqa: F401
        from .models import Role
        from .registry import NavEntry, add_navigation
        from .spool import check_spool_directory

        register(check_spool_directory, deploy=True)  # the audit spool must be writable

        add_navigation(
            NavEntry(0, "Home", "home", roles=()),
            NavEntry(100, "People", "people", roles=(Role.SYSTEM_ADMIN,)),
            NavEntry(102, "Audit", "audit", roles=(Role.SYSTEM_ADMIN,)),
            NavEntry(107, "Operations", "operations", roles=(Role.SYSTEM_ADMIN,)),
            NavEntry(108, "Subject access", "subject_access", roles=(Role.SYSTEM_ADMIN,)),
        )
