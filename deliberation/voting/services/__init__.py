"""Every write on voting rounds: drafting, opening, casting, closing, cancelling."""

from deliberation.voting.services.ballots import ballot_cast
from deliberation.voting.services.closing import round_close
from deliberation.voting.services.rounds import (
    round_cancel,
    round_chain_key,
    round_create,
    round_open,
    round_update,
    rounds_closing_remind,
)

__all__ = [
    "ballot_cast",
    "round_cancel",
    "round_chain_key",
    "round_close",
    "round_create",
    "round_open",
    "round_update",
    "rounds_closing_remind",
]
