"""What the apps tell the core. The core (`thrive/`) imports no app: each app registers here,
in its AppConfig.ready(), what the core needs from it (tests/thrive/test_layers.py):

- header navigation entries, each for the roles that may use it (`add_navigation`);
- people who sign in through an app's own door, such as the portal's health partner people
  (`add_front_door`): the core asks whether a session is one of theirs, sends them to that
  app's home page and to its own second-factor page;
- pages reachable before the second factor and the AUP (`exempt_from_gates`);
- the demo data loaders `manage.py demo_data` runs (`add_demo_loader`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavEntry:
    """A header link for people with any of `roles`. `order` places it among every app's
    entries (lower first)."""

    order: int
    text: str
    url_name: str
    roles: tuple
    args: tuple = field(default=())


@dataclass(frozen=True)
class FrontDoor:
    """People an app signs in through its own door. `in_session(request)` says whether the
    signed-in person is one of them; `home` and `second_factor` are URL names."""

    in_session: Callable
    home: str
    second_factor: str


_navigation: list[NavEntry] = []
_front_doors: list[FrontDoor] = []
_gate_exempt_view_names: set[str] = set()
_gate_exempt_frozen: frozenset[str] = frozenset()  # read by two gates on every request
_demo_loaders: list[tuple[int, str]] = []


def add_navigation(*entries: NavEntry) -> None:
    for entry in entries:
        if entry not in _navigation:
            _navigation.append(entry)
    _navigation.sort(key=lambda entry: entry.order)


def navigation() -> list[NavEntry]:
    return list(_navigation)


def add_front_door(door: FrontDoor) -> None:
    if door not in _front_doors:
        _front_doors.append(door)


def front_door_of(request) -> FrontDoor | None:
    """The app door this signed-in person came through, or None for Thrive's own."""
    for door in _front_doors:
        if door.in_session(request):
            return door
    return None


def exempt_from_gates(*view_names: str) -> None:
    """Namespaced view names ("portal:sign_in") a signed-in person may reach before the
    second factor and the Acceptable Use Policy."""
    global _gate_exempt_frozen
    _gate_exempt_view_names.update(view_names)
    _gate_exempt_frozen = frozenset(_gate_exempt_view_names)


def gate_exempt_view_names() -> frozenset[str]:
    return _gate_exempt_frozen


def add_demo_loader(order: int, dotted_path: str) -> None:
    """A function (by dotted path, imported only when the demo is loaded) that adds the app's
    demo data; loaders run by `order`, after the core's organisations and people."""
    if (order, dotted_path) not in _demo_loaders:
        _demo_loaders.append((order, dotted_path))
    _demo_loaders.sort()


def demo_loaders() -> list[str]:
    return [dotted_path for _, dotted_path in _demo_loaders]
