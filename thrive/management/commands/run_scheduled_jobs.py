import contextlib
import threading

from django.core.management.base import BaseCommand, CommandError

from thrive import scheduled_jobs


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (settings.CELERY_BEAT_SCHEDULE) in this process, for the "
        "embedded default where there is no Celery beat: every job once now, then each when "
        "it falls due, until stopped. --list shows the jobs; --run NAME runs one and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", dest="list_jobs", action="store_true", help="List the jobs and exit"
        )
        parser.add_argument(
            "--run", metavar="NAME", action="append", help="Run this job now and exit"
        )

    def handle(self, *args, list_jobs, run, **options):
        schedule = scheduled_jobs.jobs()
        if list_jobs:
            for job in schedule:
                self.stdout.write(job.describe())
            return
        if run:
            by_name = {job.name: job for job in schedule}
            unknown = [name for name in run if name not in by_name]
            if unknown:
                raise CommandError(
                    f"No scheduled job called {', '.join(unknown)}: see --list for the names."
                )
            failed = [name for name in run if not scheduled_jobs.run_job(by_name[name])]
            if failed:
                raise CommandError(f"Failed: {', '.join(failed)} (the log says why).")
            return
        self.stdout.write(f"Running {len(schedule)} scheduled jobs; stop with Ctrl+C.")
        with contextlib.suppress(KeyboardInterrupt):
            scheduled_jobs.run_forever(schedule, threading.Event())
