import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.uploads import check_upload

from .corpus import jpeg, png

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def _stored_image(name, content):
    return Image.open(io.BytesIO(check_upload(SimpleUploadedFile(name, content)).open().read()))


def test_gps_position_and_camera_are_removed_from_a_photo():
    original = Image.open(io.BytesIO(jpeg(gps=True, orientation=6)))
    assert original.getexif().get_ifd(GPS_IFD)  # the test photo really has a position

    stored = _stored_image("photo.jpg", jpeg(gps=True, orientation=6))

    exif = stored.getexif()
    assert exif.get_ifd(GPS_IFD) == {}
    assert MAKE not in exif
    assert exif[ORIENTATION] == 6  # still the right way up
    assert stored.size == original.size


def test_photo_without_rotation_has_no_exif_at_all():
    stored = _stored_image("photo.jpg", jpeg(gps=True))

    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info


def test_comment_is_removed_from_a_photo():
    stored = _stored_image("photo.jpg", jpeg(comment=b"Taken at 12 High Street"))

    assert "comment" not in stored.info


def test_picture_is_unchanged_pixel_for_pixel():
    content = jpeg(gps=True)

    stored = _stored_image("photo.jpg", content)

    assert stored.tobytes() == Image.open(io.BytesIO(content)).tobytes()


def test_text_chunks_are_removed_from_a_png_and_transparency_kept():
    content = png(text={"Author": "J Smith", "Location": "Home"})

    stored = _stored_image("scan.png", content)

    assert stored.text == {}
    assert stored.mode == "RGBA"
    assert stored.tobytes() == Image.open(io.BytesIO(content)).tobytes()
