"""JPG and PNG pictures: copied without their metadata, losslessly, a piece at a time.

Photos carry EXIF (camera, time, often GPS position), XMP and IPTC metadata, comments and
thumbnails; on a case file that can give away where a child lives. Rather than decoding the
picture and encoding it again — which costs width x height x 3 bytes of memory (36 MB for a
12-megapixel phone photo, far over the upload memory budget), loses JPG quality and drops
the orientation — the file is rebuilt from the parts a viewer needs to draw the picture, in
order, and every other part is left out:

- JPG: the image data and its tables (quantisation, Huffman, frame, scan, restart interval),
  the JFIF header, the Adobe colour-transform marker and the ICC colour profile. EXIF is
  replaced by a new EXIF block holding only the orientation, so photos stay the right way up.
  Comments, XMP, IPTC, thumbnails, maker notes and everything after the end of the picture
  (such as extra "multi-picture" images) are dropped.
- PNG: the image header, palette, image data, transparency and colour chunks. Text, time and
  EXIF chunks, unknown chunks and anything after the end are dropped; every kept chunk's CRC
  is checked and the compressed image data is inflated in chunks to prove it is complete.

The rebuilt file is then opened with Pillow (a JPG decoded at 1/8 scale) to make sure it is
a picture Pillow can read.
"""

import struct
import tempfile
import zlib

from PIL import Image

from . import refusals
from .refusals import UploadRefused

MAX_IMAGE_PIXELS = 50_000_000
_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024

# JPG markers kept besides the scans: SOF0-SOF15 (not DHT C4, JPG C8, DAC CC), DHT, DAC, DQT,
# DRI, DNL.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_TABLES = {0xC4, 0xCC, 0xDB, 0xDD, 0xDC}
_SOS, _EOI, _APP0, _APP1, _APP2, _APP14 = 0xDA, 0xD9, 0xE0, 0xE1, 0xE2, 0xEE
_ORIENTATION_TAG = 0x0112

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT",
    b"sRGB", b"bKGD", b"pHYs", b"cICP",
}  # fmt: skip
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def strip_image_metadata(file, image_format: str) -> tempfile.SpooledTemporaryFile:
    """Return a new file holding the picture in `file` without its metadata.

    `image_format` is "jpeg" or "png". The result lives in memory up to 1 MB, then on disk.
    """
    output = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 (returned)
    file.seek(0)
    reader = _Reader(file, "a JPG image" if image_format == "jpeg" else "a PNG image")
    try:
        if image_format == "jpeg":
            _copy_jpeg(reader, output)
        else:
            _copy_png(reader, output)
        _check_with_pillow(output, image_format)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


class _Reader:
    """Reads exactly what is asked for, or refuses the file as damaged (cut short)."""

    def __init__(self, file, label: str):
        self.file = file
        self.label = label

    def damaged(self) -> UploadRefused:
        return UploadRefused(refusals.damaged(self.label), code="damaged")

    def read(self, length: int) -> bytes:
        data = self.file.read(length)
        if len(data) != length:
            raise self.damaged()
        return data

    def pieces(self, length: int):
        """Yield `length` bytes in chunks, without holding them all."""
        while length:
            piece = self.read(min(length, _CHUNK))
            length -= len(piece)
            yield piece


def _check_pixels(width: int, height: int, reader: _Reader) -> None:
    if not width or not height:
        raise reader.damaged()
    if width * height > MAX_IMAGE_PIXELS:
        raise UploadRefused(
            refusals.image_too_big(MAX_IMAGE_PIXELS // 1_000_000), code="image_too_big"
        )


def _copy_jpeg(reader: _Reader, output) -> None:
    if reader.read(2) != b"\xff\xd8":
        raise reader.damaged()
    output.write(b"\xff\xd8")
    marker = _next_marker(reader)
    seen_frame = False
    while marker != _EOI:
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise reader.damaged()  # restart markers only belong inside scan data
        length = struct.unpack(">H", reader.read(2))[0]
        if length < 2:
            raise reader.damaged()
        if marker in _JPEG_FRAMES:
            header = reader.read(length - 2)
            if len(header) < 5:
                raise reader.damaged()
            height, width = struct.unpack(">HH", header[1:5])
            _check_pixels(width, height, reader)
            seen_frame = True
            output.write(struct.pack(">BBH", 0xFF, marker, length) + header)
        elif marker == _SOS:
            if not seen_frame:
                raise reader.damaged()
            output.write(struct.pack(">BBH", 0xFF, marker, length) + reader.read(length - 2))
            marker = _copy_scan(reader, output)
            continue
        elif marker in _JPEG_TABLES or marker in {_APP0, _APP2, _APP14}:
            data = reader.read(length - 2)
            if _keep_app_segment(marker, data):
                output.write(struct.pack(">BBH", 0xFF, marker, length) + data)
        elif marker == _APP1:
            data = reader.read(length - 2)
            if data.startswith(b"Exif\x00\x00"):
                output.write(_orientation_only_exif(data[6:]))
        else:
            for _piece in reader.pieces(length - 2):  # comments, XMP, IPTC, other APPn
                pass
        marker = _next_marker(reader)
    if not seen_frame:
        raise reader.damaged()
    output.write(b"\xff\xd9")
    # Anything after the end of the picture is dropped.


def _keep_app_segment(marker: int, data: bytes) -> bool:
    if marker == _APP0:
        return data.startswith(b"JFIF\x00")
    if marker == _APP2:
        return data.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return data.startswith(b"Adobe")
    return True  # tables


def _next_marker(reader: _Reader) -> int:
    if reader.read(1) != b"\xff":
        raise reader.damaged()
    marker = reader.read(1)[0]
    while marker == 0xFF:  # fill bytes
        marker = reader.read(1)[0]
    return marker


def _copy_scan(reader: _Reader, output) -> int:
    """Copy entropy-coded data up to the next marker (not a stuffed 0xFF00 or a restart)."""
    pending = b""
    while True:
        chunk = reader.file.read(_CHUNK)
        if not chunk:
            raise reader.damaged()
        data = pending + chunk
        position = 0
        while (position := data.find(b"\xff", position)) != -1:
            if position + 1 == len(data):
                break  # the byte after 0xFF is in the next chunk
            following = data[position + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                position += 2
                continue
            if following == 0xFF:  # fill byte before a marker
                position += 1
                continue
            output.write(data[:position])
            _rewind(reader.file, len(data) - position - 2)
            return following
        keep = 1 if data.endswith(b"\xff") else 0
        output.write(data[: len(data) - keep])
        pending = data[len(data) - keep :]


def _rewind(file, unread: int) -> None:
    """Put back bytes read past the marker, so segment parsing continues after it."""
    if unread:
        file.seek(-unread, 1)


def _orientation_only_exif(tiff: bytes) -> bytes:
    """A new APP1 EXIF segment with just the orientation, or nothing when it is normal."""
    orientation = _read_orientation(tiff)
    if orientation in (None, 1):
        return b""
    exif = Image.Exif()
    exif[_ORIENTATION_TAG] = orientation
    payload = exif.tobytes()  # starts with Exif\0\0
    return struct.pack(">BBH", 0xFF, _APP1, len(payload) + 2) + payload


def _read_orientation(tiff: bytes) -> int | None:
    """The orientation tag (1-8) from IFD0 of an EXIF TIFF block, or None."""
    if tiff[:2] == b"II":
        order = "<"
    elif tiff[:2] == b"MM":
        order = ">"
    else:
        return None
    try:
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for index in range(min(count, 512)):
            entry = tiff[ifd + 2 + 12 * index : ifd + 14 + 12 * index]
            tag, kind, _count = struct.unpack(order + "HHI", entry[:8])
            if tag == _ORIENTATION_TAG and kind == 3:
                (value,) = struct.unpack(order + "H", entry[8:10])
                return value if 1 <= value <= 8 else None
    except struct.error:
        return None
    return None


def _copy_png(reader: _Reader, output) -> None:
    if reader.read(8) != _PNG_SIGNATURE:
        raise reader.damaged()
    output.write(_PNG_SIGNATURE)
    inflater = zlib.decompressobj()
    expanded = 0
    limit = 0
    first = True
    while True:
        length, kind = struct.unpack(">I4s", reader.read(8))
        if length > 0x7FFFFFFF or (first and (kind != b"IHDR" or length != 13)):
            raise reader.damaged()
        keep = kind in _PNG_KEPT
        crc = zlib.crc32(kind)
        if keep:
            output.write(struct.pack(">I4s", length, kind))
        for piece in reader.pieces(length):
            crc = zlib.crc32(piece, crc)
            if keep:
                output.write(piece)
            if first:
                limit = _png_limit(piece, reader)
            if kind == b"IDAT":
                expanded = _inflate(inflater, piece, expanded, limit, reader)
        stored_crc = reader.read(4)
        if keep and struct.unpack(">I", stored_crc)[0] != crc:
            raise reader.damaged()
        if keep:
            output.write(stored_crc)
        first = False
        if kind == b"IEND":
            break
    if not inflater.eof:
        raise reader.damaged()  # the image data stops short
    # Anything after IEND is dropped.


def _png_limit(header: bytes, reader: _Reader) -> int:
    """Check IHDR and return the most bytes the image data may inflate to."""
    if len(header) != 13:
        raise reader.damaged()
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    if colour not in _PNG_CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise reader.damaged()
    _check_pixels(width, height, reader)
    row = (width * _PNG_CHANNELS[colour] * depth + 7) // 8 + 1
    return 2 * row * height + 1024  # interlaced images are slightly bigger than plain ones


def _inflate(inflater, data: bytes, expanded: int, limit: int, reader: _Reader) -> int:
    try:
        while data and not inflater.eof:
            expanded += len(inflater.decompress(data, _CHUNK))
            if expanded > limit:
                raise UploadRefused(refusals.EXPANDS, code="image_bomb")
            data = inflater.unconsumed_tail
    except zlib.error as error:
        raise reader.damaged() from error
    return expanded


def _check_with_pillow(output, image_format: str) -> None:
    output.seek(0)
    label = "a JPG image" if image_format == "jpeg" else "a PNG image"
    try:
        with Image.open(output, formats=["JPEG" if image_format == "jpeg" else "PNG"]) as image:
            if image_format == "jpeg":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except UploadRefused:
        raise
    except Exception as error:  # Pillow raises many kinds of error on damaged pictures
        raise UploadRefused(refusals.damaged(label), code="damaged") from error
