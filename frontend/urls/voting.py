"""Pages for voting rounds: a framework's rounds, the builder, the round with its ballot, the
results and the published record."""

from __future__ import annotations

from django.urls import URLPattern, path

from frontend.views.voting import ballots, results, rounds

urlpatterns: list[URLPattern] = [
    path("f/<slug:slug>/rounds/", rounds.round_list, name="round_list"),
    path("f/<slug:slug>/rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/rule/", rounds.rule_explained, name="round_rule_explained"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:round_id>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:round_id>/cancel/", rounds.round_cancel, name="round_cancel"),
    path("rounds/<int:round_id>/ballot/", ballots.ballot_cast, name="ballot_cast"),
    path("rounds/<int:round_id>/results/", results.round_results, name="round_results"),
    path("rounds/<int:round_id>/record/", results.round_record, name="round_record"),
]
