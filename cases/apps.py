from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases: referrals, workflow and reports"

    def ready(self):
        from thrive.models import Role
        from thrive.registry import NavEntry, add_demo_loader, add_navigation

        managers_and_ehps = (Role.SERVICE_MANAGER, Role.EHPS_OFFICER)
        add_navigation(
            NavEntry(10, "My Cases", "cases:my_cases", roles=(Role.SERVICE_WORKER,)),
            NavEntry(20, "Managers area", "cases:managers_area", roles=(Role.SERVICE_MANAGER,)),
            NavEntry(
                21,
                "Cases Requiring Action",
                "cases:requiring_action",
                roles=(Role.SERVICE_MANAGER,),
            ),
            NavEntry(30, "EHPS area", "cases:ehps_area", roles=(Role.EHPS_OFFICER,)),
            NavEntry(31, "Refer a family", "cases:refer", roles=(Role.EHPS_OFFICER,)),
            NavEntry(40, "Reports", "cases:reports", roles=managers_and_ehps),
            NavEntry(41, "Archive", "cases:archive_list", roles=managers_and_ehps),
            NavEntry(
                104,
                "Case lists",
                "cases:reference_list",
                roles=(Role.SYSTEM_ADMIN,),
                args=("key-reasons",),
            ),
        )
        add_demo_loader(10, "cases.demo.load_demo_cases")
