from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outreach.alliance import bundles, services


class Command(BaseCommand):
    help = "Import a peer's signed alliance bundle from a file (refused whole if anything is wrong)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if file.stat().st_size > bundles.max_bytes():
            raise CommandError("bundle over ALLIANCE_BUNDLE_MAX_BYTES")
        try:
            result = services.bundle_import(data=file.read_bytes())
        except bundles.BundleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary)
