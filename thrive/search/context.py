from . import may_search


def search_box(request):
    """Whether the header shows the search box: to the people who have records to find."""
    user = getattr(request, "user", None)
    return {"may_search": user is not None and may_search(user)}
