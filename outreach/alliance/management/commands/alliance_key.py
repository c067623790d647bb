from django.conf import settings
from django.core.management.base import BaseCommand

from outreach.alliance import keys


class Command(BaseCommand):
    help = "Print this department's alliance name, public key and fingerprint (makes the key on first use)."

    def handle(self, *args, **options):
        public_key = keys.public_key_text()
        self.stdout.write(f"{settings.ALLIANCE_NAME}\n{public_key}\n{keys.fingerprint(public_key)}")
