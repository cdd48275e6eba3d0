"""Recompute the audit hash chains; exit non-zero naming the first bad event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convene.audit import audit_verify
from convene.models import AuditChain


class Command(BaseCommand):
    help = "Verify the audit hash chains (all of them, or all of one convening's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--convening", metavar="SLUG", help="verify only this convening's")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = AuditChain.objects.select_related("convening").order_by("id")
        if options["convening"]:
            chains = chains.filter(convening__slug=options["convening"])
            if not chains.exists():
                raise CommandError(f"No audit chain for convening {options['convening']!r}.")
        failures = 0
        for chain in chains:
            # A convening owns several chains (its own, one per voting round): name both.
            label = f"{chain.convening.slug} {chain.key}" if chain.convening else chain.key
            broken = audit_verify(chain)
            if broken is None:
                self.stdout.write(f"ok      {label}: {chain.last_seq} events")
            else:
                failures += 1
                self.stderr.write(f"BROKEN  {label}: event seq {broken.seq}: {broken.reason}")
        if failures:
            raise CommandError(f"{failures} audit chain(s) failed verification.")
        self.stdout.write(self.style.SUCCESS("All audit chains verify."))
