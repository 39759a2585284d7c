from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents: the case document library"

    def ready(self):
        # The document reports join the managers' Reports index (one list of reports).
        from cases.reports import REPORTS
        from thrive.models import Role
        from thrive.registry import NavEntry, add_demo_loader, add_navigation

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
