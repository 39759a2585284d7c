"""A tiny writer of OLE compound files (CFB version 3), for building test documents.

olefile reads compound files but cannot create them, so legacy .doc, .xls and encrypted
Office files for the corpus are built here. Every stream is padded to the 4096-byte
mini-stream cutoff, so no mini stream is needed; siblings are chained to the right.
"""

import struct

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5


def compound_file(streams: dict[str, bytes]) -> bytes:
    """Build a compound file from {"Storage/Stream": data} (storages are made as needed)."""
    entries = [{"name": "Root Entry", "type": ROOT, "kids": [], "data": None}]
    index = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            is_stream = depth == len(parts)
            entries.append(
                {
                    "name": parts[depth - 1],
                    "type": STREAM if is_stream else STORAGE,
                    "kids": [],
                    "data": data.ljust(4096, b"\x00") if is_stream else None,
                }
            )
            index[key] = len(entries) - 1
            entries[index["/".join(parts[: depth - 1])]]["kids"].append(index[key])

    fat = []
    body = b""
    for entry in entries:
        if entry["data"] is None:
            entry["start"], entry["size"] = (END_OF_CHAIN if entry["type"] == ROOT else 0), 0
            continue
        count = -(-len(entry["data"]) // SECTOR)
        entry["start"], entry["size"] = len(fat), len(entry["data"])
        fat += list(range(len(fat) + 1, len(fat) + count)) + [END_OF_CHAIN]
        body += entry["data"].ljust(count * SECTOR, b"\x00")

    directory = b"".join(_directory_entry(entry, entries) for entry in entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\x00")
    directory_start = len(fat)
    directory_sectors = len(directory) // SECTOR
    fat += list(range(directory_start + 1, directory_start + directory_sectors)) + [END_OF_CHAIN]

    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    assert fat_sectors <= 109, "test compound files are kept small"
    fat_start = len(fat)
    fat += [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))

    difat = list(range(fat_start, fat_start + fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = (
        SIGNATURE
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, directory_start, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0
        )  # fmt: skip
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + body + directory + struct.pack(f"<{len(fat)}I", *fat)


def _directory_entry(entry: dict, entries: list[dict]) -> bytes:
    name = entry["name"].encode("utf-16-le") + b"\x00\x00"
    kids = entry["kids"]
    child = kids[0] if kids else NO_STREAM
    right = NO_STREAM
    for siblings in (e["kids"] for e in entries):
        if entries.index(entry) in siblings:
            position = siblings.index(entries.index(entry))
            right = siblings[position + 1] if position + 1 < len(siblings) else NO_STREAM
    return (
        name.ljust(64, b"\x00")
        + struct.pack("<HBB", len(name), entry["type"], 1)
        + struct.pack("<III", NO_STREAM, right, child)
        + b"\x00" * 16
        + b"\x00" * 4
        + b"\x00" * 16
        + struct.pack("<IQ", entry["start"], entry["size"])
    )
