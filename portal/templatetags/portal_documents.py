"""{% supporting_documents task %}: the task's Supporting Documentation and its Print PDF
button on the task pages, shown to the people who may see them."""

from django import template

from ..delegation import services

register = template.Library()


@register.inclusion_tag("portal/_supporting_documents.html", takes_context=True)
def supporting_documents(context, task):
    user = context["request"].user
    visible = services.may_see_documents(user, task)
    return {
        "task": task,
        "visible": visible,
        "documents": task.documents.select_related("uploaded_by") if visible else [],
        "may_download": visible,
        "may_attach": services.may_attach(user, task),
    }
