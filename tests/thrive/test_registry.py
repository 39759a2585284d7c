"""What the apps register with the core (thrive.registry) in their AppConfig.ready()."""

from django.test import RequestFactory

from thrive import registry
from thrive.models import Role


def test_the_header_keeps_its_order_whichever_app_registers_an_entry():
    assert [entry.text for entry in registry.navigation()] == [
        "Home",
        "My Cases",
        "Managers area",
        "Cases Requiring Action",
        "EHPS area",
        "Refer a family",
        "Reports",
        "Archive",
        "Upload Document",
        "Portal tasks",
        "Work tray",
        "Delegation Portal",
        "Account requests",
        "Downtime tracker",
        "People",
        "Accounts",
        "Audit",
        "Read-only mode",
        "Case lists",
        "Deleted documents",
        "Form types",
        "Operations",
        "Subject access",
    ]


def test_the_administrators_entries_are_for_system_administrators_only():
    admin_entries = [entry for entry in registry.navigation() if entry.order >= 100]
    assert len(admin_entries) == 9
    assert all(entry.roles == (Role.SYSTEM_ADMIN,) for entry in admin_entries)


def test_the_portal_registers_its_door_and_its_sign_in_pages():
    assert "portal:sign_in_code" in registry.gate_exempt_view_names()
    assert "portal:account" not in registry.gate_exempt_view_names()
    from portal.people.accounts import SESSION_PORTAL_PERSON

    request = RequestFactory().get("/")
    request.session = {SESSION_PORTAL_PERSON: True}
    door = registry.front_door_of(request)
    assert (door.home, door.second_factor) == ("portal:landing", "portal:sign_in_code")
    request.session = {SESSION_PORTAL_PERSON: False}
    assert registry.front_door_of(request) is None


def test_demo_loaders_run_in_the_order_the_data_depends_on():
    assert registry.demo_loaders() == [
        "cases.demo.load_demo_cases",
        "selfservice.demo.load_demo_selfservice",
        "documents.demo.load_demo_documents",
        "portal.demo.load_demo_portal",
        "portal.demo_documents.load_demo_portal_documents",
        "continuity.demo.load_demo_continuity",
    ]


def test_registering_twice_adds_nothing():
    before = registry.navigation()
    registry.add_navigation(before[0])
    assert registry.navigation() == before
