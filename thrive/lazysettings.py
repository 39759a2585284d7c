"""`django.conf.settings.X` read at the speed of a plain attribute.

Django's settings object is a LazyObject, whose `__getattribute__` (Python code, run on every
attribute read) is there so that a proxy method defers to the wrapped object's. The settings
object keeps each setting it has read in its own `__dict__` and forgets it when the setting
changes (override_settings, the `settings` fixture), so a setting read once needs none of
that: a signed-in request reads settings about a hundred times (Django, allauth, django-otp,
Thrive), and that `__getattribute__` was about 5 % of its instructions. Replaced on
LazySettings only (ThriveConfig.ready); every other lazy object keeps Django's."""

from django.conf import LazySettings


def install() -> None:
    LazySettings.__getattribute__ = object.__getattribute__
