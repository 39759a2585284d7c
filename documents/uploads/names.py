"""File names: what the user called the file, made safe to show and to offer as a download.

The name never becomes a storage path (objects are stored under random names), but it is shown
in pages, put in Content-Disposition headers and saved onto other people's computers, so it
must carry no path, no control or direction-changing characters, no hidden-file dot and no
name Windows reserves.
"""

import re
import unicodedata
from pathlib import PurePosixPath

MAX_NAME_LENGTH = 120
ALLOWED_EXTENSIONS = frozenset({".doc", ".docx", ".pdf", ".xlsx", ".jpg", ".jpeg", ".png"})

_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
# Characters Windows forbids in names, plus those that break quoting in headers and markup.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*;`\'$]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def name_is_hostile(name: str) -> bool:
    """True for names no browser sends: null or control characters, or a path going up.

    Such a name means someone is crafting requests, so the upload is refused rather than
    quietly cleaned up.
    """
    if any(unicodedata.category(char) == "Cc" for char in name):
        return True
    parts = re.split(r"[\\/]", name)
    return ".." in parts


def extension_of(name: str) -> str:
    """The lower-case final extension of a name, with its dot ("" when there is none)."""
    suffix = PurePosixPath(_basename(name)).suffix.lower()
    return suffix if _EXTENSION.fullmatch(suffix) else ""


def safe_filename(name: str, *, extension: str | None = None) -> str:
    """Return a version of `name` that is safe to show and to download.

    Keeps only the last path part, removes control, format (such as right-to-left override)
    and unassigned characters and those Windows forbids, collapses spaces, drops leading and
    trailing dots and spaces, avoids Windows' reserved device names, and shortens the stem so
    the whole name fits MAX_NAME_LENGTH characters. The extension is kept, in lower case, when
    it is letters and digits; `extension` (for example ".pdf", from the detected type)
    replaces it.
    """
    name = unicodedata.normalize("NFC", _basename(name))
    name = "".join(
        char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    name = _FORBIDDEN.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, found = _split_extension(name)
    if extension is not None:
        found = extension.lower() if extension.startswith(".") else f".{extension.lower()}"
    stem = stem.strip(" .")
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(found)].rstrip(" .") or "file"
    return f"{stem}{found}"


def _basename(name: str) -> str:
    return re.split(r"[\\/]", name)[-1]


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(f".{suffix.lower()}"):
        return stem, f".{suffix.lower()}"
    return name, ""
