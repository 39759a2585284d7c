"""The image's gunicorn (deploy/gunicorn.conf.py) serves Thrive and never logs a query string,
even with its access log switched on."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
PORT = free_port()


def test_gunicorn_logs_json_lines_without_query_strings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "LOG_FORMAT": "json",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{PORT} --access-logfile -",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [gunicorn, "--config", "deploy/gunicorn.conf.py", "thrive.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and status is None:
            try:
                url = f"http://127.0.0.1:{PORT}/source/?family=Flowerpot"
                with urllib.request.urlopen(url, timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.3)
        # The access line is written after the response: wait for it.
        while time.monotonic() < deadline and "/source/" not in log.read_text().split("}")[-1]:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    text = log.read_text()
    assert status == 200, text
    assert "Flowerpot" not in text
    finished = [
        json.loads(line)
        for line in text.splitlines()
        if line.startswith("{") and '"request_finished"' in line
    ]
    assert finished[0]["request"] == "GET /source/"
    assert '"GET /source/ HTTP/1.1" 200' in text  # gunicorn's own access line, path only
