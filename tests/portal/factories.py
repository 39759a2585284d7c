"""Portal tasks for tests outside tests/portal (the isolation harness)."""

import importlib
from datetime import date

from django.apps import apps

from thrive.models import Role


def make_portal_task(world):
    """A task of `world`'s SEND officer, assigned to the world's clinician."""
    from portal.delegation import services
    from portal.models import FormDefinition

    importlib.import_module("portal.migrations.0002_form_definitions").add_definitions(apps, None)
    return services.create_task(
        by=world.people[Role.SEND_OFFICER],
        form=FormDefinition.objects.filter(active=True).first(),
        child_name="Diane Bluebell",
        child_date_of_birth=date(2013, 2, 10),
        child_address="23 Test Street",
        work_group=world.work_group,
        clinician=world.people[Role.CLINICIAN],
    )


def make_portal_document(task, *, by=None, content=None):
    """A supporting document row on `task` whose stored object does not exist (the isolation
    harness); the same task gets the same row back."""
    import hashlib

    from portal.models import SupportingDocument

    content = content or f"letter for task {task.pk}".encode()
    document, _ = SupportingDocument.objects.get_or_create(
        task=task,
        sha256=hashlib.sha256(content).hexdigest(),
        defaults={
            "name": "Clinical letter.pdf",
            "stored_name": f"tests/missing/portal-{task.pk}",
            "kind": "pdf",
            "content_type": "application/pdf",
            "size": len(content),
            "uploaded_by": by or task.clinician or task.sent_by,
        },
    )
    return document
