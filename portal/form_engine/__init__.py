"""The form engine: form definitions and their validation, form types and their versions
(the administrators' pages), the section forms built from a definition, and the task's
PDF. Imports neither `portal.people` nor `portal.delegation` (tests/thrive/test_layers.py)."""
