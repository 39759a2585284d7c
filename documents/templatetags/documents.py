"""The Documents section of the case page: `{% load documents %}{% case_documents case %}`."""

from django import template

from documents.reports import case_documents_table
from documents.services import may_upload
from thrive.ui.tables import table_context

register = template.Library()


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents(context, case):
    """The case's documents through the one list mechanism (sorting and paging under a
    `documents-` prefix so they do not clash with the case page), and the Upload documents
    button for those who may add documents. Documents stay with a case when it is archived."""
    request = context["request"]
    return {
        **table_context(request, case_documents_table(case), prefix="documents-"),
        "request": request,
        "case": case,
        "may_upload": may_upload(request.user, case),
    }
