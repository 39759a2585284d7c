"""People: health partner people's registration, sign-in with an emailed code (or an
authenticator app), forgotten password, Update account, and work tray admins adding
registered people to their work groups. Imports neither `portal.delegation` nor
`portal.form_engine` (tests/thrive/test_layers.py)."""
