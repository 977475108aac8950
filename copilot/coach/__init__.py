"""The close coach: hears the three next-step criteria, the four close stages, objections and weak steps.

Public API (others code against these names)::

    from copilot.coach import Coach, analyze, load_playbook, VERTICALS, state_to_dict, format_coaching
    coach = Coach(call_date, vertical="sales", speakers_separated=True, playbook_dir=None)
    state = coach.feed(utterance)      # final utterances in time order -> CloseState
    coach.verdict()                    # the typed Verdict; .to_json() is DESIGN.md's verdict object

Pure Python, no Qt, no audio, deterministic.
"""

from copilot.coach.coach import Coach, analyze, initial_state
from copilot.coach.playbook import VERTICALS, Playbook, load_playbook
from copilot.coach.state import CloseState, Verdict
from copilot.coach.verdict import format_coaching, state_to_dict

__all__ = [
           "VERTICALS",
           "CloseState",
           "Verdict",
           "Coach",
           "Playbook",
           "analyze",
           "format_coaching",
           "initial_state",
           "load_playbook",
           "state_to_dict",
]
