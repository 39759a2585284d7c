"""The user-interface kit every app uses: the one table mechanism (`tables`: columns,
sorting, paging, CSV and XLSX), paging and CSV helpers (`lists`), GOV.UK form fields
(`govuk_forms`) and the GOV.UK form rendering tags (`templatetags/govuk.py`, a builtin
template library, also loadable as `{% load govuk %}`)."""
