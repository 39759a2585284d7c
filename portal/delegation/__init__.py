"""Tasks: creating, delegating, re-assigning, declining, counter-signing and retracting
portal tasks, the edit lock and take-over, automatic replies, reminders, supporting
documents, the SEND dashboard and the task tables. The top part of the portal: it may
import `portal.people` and `portal.form_engine`, which never import it
(tests/thrive/test_layers.py). Called `delegation`, not `tasks`, because `portal.tasks` is
the Celery module the beat schedule names."""
