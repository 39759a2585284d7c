"""Known-vulnerability audit of the locked Python packages (pip-audit) and the npm packages
(npm audit), as CI runs it through `make audit`.

Fails when either tool reports a vulnerable package. When an advisory service cannot be
asked (a registry mirror that serves packages but not advisories answers 404/405), that half
is reported as NOT AUDITED rather than passed or failed: the packages still install, and a
network gap is not a finding.

    python .ci/audit.py requirements.txt
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def json_report(command: list[str]) -> tuple[dict | None, str | None]:
    """Run an audit tool that prints JSON; the report, or why there is none."""
    result = subprocess.run(  # noqa: S603 (fixed commands, no user input)
        command, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    try:
        return json.loads(result.stdout), None
    except json.JSONDecodeError:
        return None, f"{command[0]} gave no report: {result.stderr.strip()[-300:]}"


def python_findings(requirements: str) -> tuple[list[str], str | None]:
    pip_audit = str(Path(sys.executable).with_name("pip-audit"))
    # --disable-pip: the locked file has hashes, so nothing is resolved again.
    report, error = json_report(
        [pip_audit, "-r", requirements, "--disable-pip", "--progress-spinner", "off", "-f", "json"]
    )
    if report is None:
        return [], error
    dependencies = report["dependencies"]
    findings = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '-'})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and len(skipped) == len(dependencies):
        return findings, f"no package could be looked up ({skipped[0]['skip_reason']})"
    return findings, None


def npm_findings() -> tuple[list[str], str | None]:
    report, error = json_report(["npm", "audit", "--json", "--omit=dev"])  # noqa: S607
    if report is None:
        return [], error
    if "vulnerabilities" not in report:
        return [], report.get("message") or "npm audit answered with an error"
    findings = [
        f"{name}: {entry['severity']} ({entry['range']})"
        for name, entry in sorted(report["vulnerabilities"].items())
    ]
    return findings, None


def main(requirements: str) -> int:
    failed = False
    for label, (findings, unavailable) in (
        ("Python packages (pip-audit)", python_findings(requirements)),
        ("npm packages (npm audit)", npm_findings()),
    ):
        if findings:
            failed = True
            print(f"{label}: {len(findings)} known vulnerabilities")
            print("\n".join(f"  {line}" for line in findings))
        elif unavailable:
            print(f"{label}: NOT AUDITED, the advisory service did not answer: {unavailable}")
        else:
            print(f"{label}: no known vulnerabilities")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
