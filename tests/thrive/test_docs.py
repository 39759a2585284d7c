"""The docs stay walkable: the README is short and keeps the two commands, every guide under
docs/ can be reached from it, and every relative link (and #anchor) points at something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(heading) for heading in re.findall(r"^#+ (.*)$", text, re.M)}


def relative_links(path: Path) -> list[tuple[Path, str]]:
    found = []
    for target in LINK.findall(path.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        found.append(((path.parent / file_part).resolve() if file_part else path, anchor))
    return found


def test_the_readme_keeps_the_two_commands_and_stays_short():
    text = README.read_text()
    assert "make run" in text and "make test" in text
    assert len(text.encode()) < 12 * 1024


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_something(path):
    broken = []
    for target, anchor in relative_links(path):
        if not target.exists():
            broken.append(str(target.relative_to(ROOT)))
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{target.relative_to(ROOT)}#{anchor}")
    assert broken == []


def test_every_guide_can_be_reached_from_the_readme():
    reached, waiting = set(), [README]
    while waiting:
        page = waiting.pop()
        if page in reached:
            continue
        reached.add(page)
        waiting += [t for t, _ in relative_links(page) if t.suffix == ".md" and t.exists()]
    unreachable = [str(p.relative_to(ROOT)) for p in DOCS if p not in reached]
    assert unreachable == []


def test_the_anchor_of_a_heading_is_the_one_github_makes():
    assert slug("The re-entry queue (`/continuity/re-entry/`)") == (
        "the-re-entry-queue-continuityre-entry"
    )
    assert slug("Health partner accounts: register, sign in, Update account") == (
        "health-partner-accounts-register-sign-in-update-account"
    )
