"""The Documents section of the case page: `{% load documents %}{% case_documents case %}`."""

from django import template

from documents.models import Document
from documents.services import may_upload

register = template.Library()


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents(context, case):
    """The case's documents (which stay with it when it is archived), and the Upload
    documents button for those who may add them. One query for the rows."""
    user = context["request"].user
    documents = (
        Document.objects.live()
        .filter(case=case)
        .select_related("modified_by")
        .only("pk", "name", "title", "modified_at", "modified_by__full_name", "kind", "case_id")
        .order_by("-modified_at", "-pk")
    )
    return {"case": case, "documents": documents, "may_upload": may_upload(user, case)}
