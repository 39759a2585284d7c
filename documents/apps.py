from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents: the case document library"

    def ready(self):
        # The document reports join the managers' Reports index (one list of reports).
        from cases.reports import REPORTS

        from .reports import REPORTS as DOCUMENT_REPORTS

        REPORTS.update(DOCUMENT_REPORTS)
