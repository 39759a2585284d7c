"""Django's message storage (a cookie, then the session), with its two stores made when a
request first reads or writes a message rather than on every request: most requests do
neither, and making the cookie store builds a signer (reading settings and the signing
backend) each time."""

from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.functional import cached_property


class LazyFallbackStorage(FallbackStorage):
    def __init__(self, request, *args, **kwargs):
        # BaseStorage's own state; the stores wait for `storages` (below).
        super(FallbackStorage, self).__init__(request, *args, **kwargs)
        self._args, self._kwargs = (request, *args), kwargs
        self._used_storages = set()

    @cached_property
    def storages(self):
        return [
            storage_class(*self._args, **self._kwargs) for storage_class in self.storage_classes
        ]
