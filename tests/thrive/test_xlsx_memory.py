"""An XLSX download is written in constant memory: ten times the rows, the same peak.

tracemalloc counts what Python allocates while the workbook is written into a temporary
file, which is what a long download would otherwise hold (XlsxWriter keeps every cell of a
sheet in memory unless told to write each row as it goes)."""

import tempfile
import tracemalloc
from datetime import date

from thrive.ui.downloads import write_xlsx

HEADER = ["Thrive ID", "Family name", "Child", "District", "Referred", "Documents"]
MB = 1024 * 1024


def _chunks(rows: int, chunk: int = 2_000):
    for start in range(0, rows, chunk):
        yield [
            [f"KT{n:06d}", f"Family {n}", f"Child {n}", "Ashford", date(2026, 1, 1 + n % 28), n]
            for n in range(start, min(start + chunk, rows))
        ]


def _peak_writing(rows: int) -> int:
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            write_xlsx(out, "Managers area", HEADER, _chunks(rows))
            return tracemalloc.get_traced_memory()[1] - baseline
        finally:
            tracemalloc.stop()


def test_ten_times_the_rows_take_no_more_memory_to_write():
    _peak_writing(10)  # XlsxWriter imported and warmed: its first workbook costs more
    few, many = _peak_writing(4_000), _peak_writing(40_000)

    print(f"peak writing 4,000 rows {few / MB:.2f} MB, 40,000 rows {many / MB:.2f} MB")
    assert many < few * 1.5
    assert many < 4 * MB
