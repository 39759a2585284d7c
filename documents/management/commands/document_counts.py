"""Check the counts the document reports read (documents/counts.py) against the documents.

    manage.py document_counts            list every count that differs; exit 1 if any does
    manage.py document_counts --rebuild  replace them all with counts made from scratch

Every change made through Thrive keeps them; a difference means something changed documents
another way (SQL by hand, a restored backup of one table). Rebuilding takes a few seconds per
million documents, during which uploads and other changes wait."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from documents import counts


class Command(BaseCommand):
    help = "Check (or rebuild) the counts of documents the document reports read."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make them from scratch")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            with transaction.atomic(), connection.cursor() as cursor:
                counts.rebuild(cursor)
            self.stdout.write("Document counts rebuilt.")
            return
        found = counts.differences()
        for line in found[:100]:
            self.stdout.write(line)
        if found:
            raise CommandError(
                f"{len(found)} document count(s) differ; manage.py document_counts --rebuild"
            )
        self.stdout.write("Every document count is right.")
