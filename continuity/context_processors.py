from .readonly import downtime_in_force
from .records import RECORDING_ROLES


def downtime(request):
    """The downtime in force (the middleware has already looked it up), for the banner."""
    found = request.downtime if hasattr(request, "downtime") else downtime_in_force()
    if found is None:
        return {"downtime": None}
    user = getattr(request, "user", None)
    may_record = bool(user and user.is_authenticated and user.has_role(*RECORDING_ROLES))
    return {"downtime": found, "may_record_downtime": may_record}
