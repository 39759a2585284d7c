"""`make faults`: the fault suite (docs/resilience-faults.md). A script package run with
`python -m tests.faults`, not collected by pytest (no test_*.py files here)."""
