"""The call: utterances with speakers and times, as plain immutable data shared by every stage."""

from copilot.session.utterance import REP, PROSPECT, SPEAKERS, Utterance
from copilot.session.transcript import Transcript, load_transcript, parse_transcript

__all__ = ["REP", "PROSPECT", "SPEAKERS", "Utterance", "Transcript", "load_transcript", "parse_transcript"]
