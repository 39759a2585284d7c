"""Settings are read as plain attributes (thrive/lazysettings.py), and still follow a change."""

from django.conf import LazySettings
from django.conf import settings as django_settings
from django.test import override_settings


def test_settings_are_read_without_the_lazy_objects_getattribute():
    assert LazySettings.__getattribute__ is object.__getattribute__


def test_a_changed_setting_is_read_afresh(settings):
    django_settings.SESSION_IDLE_TIMEOUT  # noqa: B018 (kept in the settings object's __dict__)

    settings.SESSION_IDLE_TIMEOUT = 17
    assert django_settings.SESSION_IDLE_TIMEOUT == 17

    with override_settings(SESSION_IDLE_TIMEOUT=23):
        assert django_settings.SESSION_IDLE_TIMEOUT == 23
    assert django_settings.SESSION_IDLE_TIMEOUT == 17


def test_a_setting_that_is_not_there_is_still_an_attribute_error():
    assert not hasattr(django_settings, "THRIVE_NO_SUCH_SETTING")
    assert getattr(django_settings, "THRIVE_NO_SUCH_SETTING", "default") == "default"
