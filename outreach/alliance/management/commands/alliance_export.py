from pathlib import Path

from django.core.management.base import BaseCommand

from outreach.alliance import services


class Command(BaseCommand):
    help = "Write the signed alliance bundle (what the minister shared) to a file, or to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="file to write; stdout when omitted")

    def handle(self, *args, out=None, **options):
        data = services.bundle_export()
        if out:
            Path(out).write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"))
