from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents: the case document library"

    def ready(self):
        # The document reports join the managers' Reports index (one list of reports).
        from cases.reports import REPORTS
        from thrive import subject_access
        from thrive.models import Role
        from thrive.registry import NavEntry, add_demo_loader, add_navigation

        from . import subject_access as document_subject_access
        from .reports import REPORTS as DOCUMENT_REPORTS

        REPORTS.update(DOCUMENT_REPORTS)
        add_navigation(
            NavEntry(
                50,
                "Upload Document",
                "documents:upload",
                roles=(Role.SERVICE_MANAGER, Role.SERVICE_WORKER),
            ),
            NavEntry(
                105,
                "Deleted documents",
                "documents:administrators_bin",
                roles=(Role.SYSTEM_ADMIN,),
            ),
        )
        add_demo_loader(30, "documents.demo.load_demo_documents")

        # The Operations page asks whether the virus scanner answers.
        from thrive.operations import status_check

        from .uploads.viruses import scanner_answers

        status_check("Virus scanner")(scanner_answers)
        subject_access.register(document_subject_access.SOURCE)
