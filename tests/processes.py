"""Running Thrive's settings in a fresh Python process, with exactly the environment given
(nothing from the test run's own), as a container or a server would start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(program: str, env: dict, cwd: Path = ROOT) -> str:
    """Standard output of `python -c program`; raises with its errors if it fails."""
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "thrive.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
