"""A 15 MB upload, through the whole request, must not hold the file in memory.

The request body streams from a file on disk (the usual client.post builds the whole body in
memory, twice, which would measure the test client rather than Thrive). tracemalloc counts
every Python allocation — Django's multipart parser, the upload handlers, check_upload,
Pillow, zlib and the storage — from the start of the request to its end.
"""

import random
import tracemalloc

import pytest
from PIL import Image

MB = 1024 * 1024
BUDGET = 30 * MB
BOUNDARY = "ThriveTestBoundary"


def _large_pdf(body):
    random_bytes = random.Random(15).randbytes
    body.write(b"%PDF-1.7\n1 0 obj\n<< /Length 15597568 >>\nstream\n")
    for _ in range(238):  # 238 x 64 KB: just under 15 MB
        body.write(random_bytes(64 * 1024))
    body.write(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _large_jpeg(body):
    # Noise does not compress: 4000 x 3000 pixels make a JPG of about 13.4 MB.
    size = (4000, 3000)
    image = Image.frombytes("RGB", size, random.Random(15).randbytes(size[0] * size[1] * 3))
    image.save(body, "JPEG", quality=95)


def _request_body(path, name, write_content):
    with path.open("wb") as body:
        body.write(
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        start = body.tell()
        write_content(body)
        content_size = body.tell() - start
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return content_size


@pytest.mark.urls("tests.documents.urls")
@pytest.mark.parametrize(
    ("name", "write_content"), [("large.pdf", _large_pdf), ("large.jpg", _large_jpeg)]
)
def test_15_mb_upload_peak_memory_stays_under_30_mb(client, media, tmp_path, name, write_content):
    path = tmp_path / "request-body"
    content_size = _request_body(path, name, write_content)
    assert 13 * MB < content_size <= 15 * MB

    with path.open("rb") as body:
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO="/upload/",
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                CONTENT_LENGTH=str(path.stat().st_size),
                **{"wsgi.input": body},
            )
            peak = tracemalloc.get_traced_memory()[1] - baseline
        finally:
            tracemalloc.stop()

    assert response.status_code == 200, response.content
    print(f"{name}: {content_size / MB:.1f} MB upload, peak {peak / MB:.2f} MB above baseline")
    assert peak < BUDGET
