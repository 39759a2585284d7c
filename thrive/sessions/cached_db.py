from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from . import OwnerRecorded


class SessionStore(OwnerRecorded, CachedDatabaseStore):
    pass
