from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Delegation Portal"

    def ready(self):
        from thrive.models import Role
        from thrive.registry import (
            FrontDoor,
            NavEntry,
            add_demo_loader,
            add_front_door,
            add_navigation,
            exempt_from_gates,
        )

        from .people import accounts  # (connects its signal receivers)

        add_navigation(
            NavEntry(60, "Portal tasks", "portal:send_tasks", roles=(Role.SEND_OFFICER,)),
            NavEntry(61, "Work tray", "portal:work_tray", roles=(Role.TRAY_ADMIN,)),
            NavEntry(62, "Delegation Portal", "portal:landing", roles=(Role.CLINICIAN,)),
            NavEntry(106, "Form types", "portal:form_types", roles=(Role.SYSTEM_ADMIN,)),
        )
        # Health partner people sign in at the portal's door, with an emailed code.
        add_front_door(
            FrontDoor(
                in_session=accounts.session_is_portal_person,
                home="portal:landing",
                second_factor="portal:sign_in_code",
            )
        )
        # Their sign-in and registration pages come before the second factor and the AUP.
        exempt_from_gates(
            "portal:sign_in",
            "portal:sign_in_code",
            "portal:register",
            "portal:register_credentials",
            "portal:register_code",
            "portal:register_complete",
            "portal:forgotten",
            "portal:forgotten_code",
            "portal:forgotten_password",
        )
        add_demo_loader(40, "portal.demo.load_demo_portal")
        add_demo_loader(50, "portal.demo_documents.load_demo_portal_documents")
