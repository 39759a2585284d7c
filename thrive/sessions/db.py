from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from . import OwnerRecorded


class SessionStore(OwnerRecorded, DatabaseStore):
    pass
