"""Recompute a closed voting round from its record; exit non-zero on any mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliberation.models import VotingRound
from deliberation.voting.verify import verify_round


class Command(BaseCommand):
    help = (
        "Verify a closed voting round: every ballot's leaf, the ballot chain and its head, the "
        "counted ballots and their root, and the tally recounted from the ballots."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_ids", nargs="*", type=int, metavar="ID")
        parser.add_argument("--all", action="store_true", help="every closed round")

    def handle(self, *args: Any, round_ids: list[int], **options: Any) -> None:
        rounds = VotingRound.objects.select_related("framework__convening").order_by("id")
        if options["all"]:
            rounds = rounds.filter(status=VotingRound.Status.CLOSED)
        elif round_ids:
            rounds = rounds.filter(pk__in=round_ids)
            missing = set(round_ids) - {r.pk for r in rounds}
            if missing:
                raise CommandError(f"No voting round {min(missing)}.")
        else:
            raise CommandError("Give round ids, or --all.")
        failures = 0
        for round_ in rounds:
            problems = verify_round(round_)
            if problems:
                failures += 1
                for problem in problems:
                    self.stderr.write(f"BROKEN  round {round_.pk}: {problem}")
            else:
                count = round_.ballots.count()
                self.stdout.write(f"ok      round {round_.pk} ({round_.title}): {count} ballots")
        if failures:
            raise CommandError(f"{failures} round(s) failed verification.")
        self.stdout.write(self.style.SUCCESS("Every round verifies."))
