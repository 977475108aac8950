"""Transcripts people already have: WebVTT captions (Zoom, Teams, Meet), SRT subtitles and plain ``Name: text``
lines, read into utterances with the rep told apart from everyone else by name.

A small strict parser rather than ``webvtt-py`` (0.6.0, checked): that library drops a cue whose timing line it
cannot read, and a block it does not understand, without a word (the words are simply gone from the verdict); it
gives every voice span of a cue to the first speaker; it leaves entities (``&amp;``) in the text and counts seconds
in whole numbers. Here a line that cannot be read is one error naming its line, and each ``<v Name>`` span keeps
its own speaker. The grammar read is the W3C WebVTT one: an optional byte-order mark, ``WEBVTT`` and header lines,
then blocks separated by blank lines: NOTE / STYLE / REGION blocks (skipped) and cues (an optional identifier,
``[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]``, payload lines with tags and entities).

Who spoke comes from a voice span (``<v Dana Lee>text</v>``, Teams and Meet) or a ``Dana Lee: text`` prefix
(Zoom, SRT, plain text). A cue without a name continues the speaker before it (caption tools cut a sentence over
several cues); words before any name are refused, as are captions that name nobody: the verdict turns on who said
what, and a guess there would be a wrong verdict given with confidence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from copilot.errors import InputError, UsageError
from copilot.session.utterance import PROSPECT, REP, Utterance

FORMATS = ("webvtt", "srt", "text")

# Cues of one speaker are joined into one utterance when the next follows within JOIN_GAP seconds, or within
# JOIN_GAP_MID_SENTENCE seconds when the first stops mid-sentence: caption tools cut a turn for display (a few
# seconds, two lines) and not where the speaker paused, while the coach reads an utterance as a turn (a proposal
# and the reply to it). Two turns of one speaker with a real pause between them (half a second or more in the
# recorded calls) stay two.
JOIN_GAP = 0.3
JOIN_GAP_MID_SENTENCE = 1.5
_SENTENCE_END = (".", "?", "!", "…")

# Untimed text gets times from its words at an unhurried speaking rate, so the order holds and the evidence
# carries a plausible moment; Transcript.meta says the times are made up.
WORDS_PER_SECOND = 2.5
SYNTHETIC_PAUSE = 0.5

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_VTT_TIME = r"(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_SRT_TIME = r"(\d+):(\d{2}):(\d{2})[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(?:\s+.*)?$")
_TAG = re.compile(r"(<[^<>\n]*>)")
_VOICE_TAG = re.compile(r"^<v(?:\.[^\s>]*)?[ \t]+([^>]*)>$")
_SRT_TAG = re.compile(r"</?(?:[ibus]|font)(?:\s[^<>\n]*)?>", re.IGNORECASE)
_ASS_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_PREFIX = re.compile(r"^\s*(?:-\s*)?([^:\s][^:]{0,59}?)\s*:(?:\s+(.*)|)$")
_CLOCK_PREFIX = re.compile(r"^\s*[\[(]?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,]\d{1,3})?[\])]?\s+(.*)$")
_CLOCK = r"((?:\d{1,2}:)?\d{1,2}:\d{2})(?:\.\d+)?"
_HEADING = re.compile(rf"^\s*([^\[\]:\s][^\[\]:]{{0,59}}?)(?:\s{{2,}}|\t)\s*{_CLOCK}\s*$")
_BRACKET_HEADING = re.compile(rf"^\s*\[([^\[\]:]{{1,60}})\]\s+{_CLOCK}\s*$")
_NAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin",
                             "ibn", "al", "el", "y", "e", "of", "and"})
_NOT_IN_NAMES = frozenset('?!;"…“”=<>{}|\\')


@dataclass(frozen=True)
class Said:
    """One stretch of a caption file: who (None until a name says), when (None in untimed text), what, and the
    line it starts on (for error messages)."""

    speaker: str | None
    start: float | None
    end: float | None
    text: str
    line: int


# --- reading the three formats ---------------------------------------------------------------------------------


def _show(line: str, limit: int = 60) -> str:
    line = " ".join(line.split())
    return repr(line if len(line) <= limit else line[: limit - 1] + "…")


def _blocks(lines: Sequence[str], first: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with its 1-based line number."""
    block: list[str] = []
    start = 0
    for i in range(first, len(lines)):
        if lines[i].strip():
            if not block:
                start = i + 1
            block.append(lines[i])
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _seconds(groups: Sequence[str | None], where: str) -> float:
    hours, minutes, seconds, fraction = groups
    if int(minutes or 0) > 59 or int(seconds or 0) > 59:
        raise InputError(f"{where}: minutes and seconds run from 00 to 59")
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return float(f"{whole}.{fraction or 0}")  # the same float as the JSON "6.753" of the same moment


def _timing(line: str, pattern: re.Pattern[str], where: str, example: str) -> tuple[float, float]:
    match = pattern.match(line)
    if match is None:
        raise InputError(f"{where}: expected a cue timing like '{example}', found {_show(line)}")
    groups = match.groups()
    start, end = _seconds(groups[:4], where), _seconds(groups[4:8], where)
    if end < start:
        raise InputError(f"{where}: the cue ends before it starts")
    return start, end


def _voices(payload: str, *, entities: bool) -> list[tuple[str | None, str]]:
    """A cue's payload split at its voice spans: ``(name or None, text)``, the other tags dropped."""
    pieces: list[tuple[str | None, str]] = []
    voice: str | None = None
    words: list[str] = []
    for token in _TAG.split(payload):
        if token.startswith("<") and token.endswith(">"):
            opened = _VOICE_TAG.match(token)
            if opened is not None:
                if "".join(words).strip():
                    pieces.append((voice, "".join(words)))
                words = []
                name = " ".join((html.unescape(opened.group(1)) if entities else opened.group(1)).split())
                voice = name or None
            continue  # </v>, <c.x>, <i>, <b>, <u>, <ruby>, <rt>, <lang>, <00:00:01.000>: styling, not words
        words.append(html.unescape(token) if entities else token)
    if "".join(words).strip():
        pieces.append((voice, "".join(words)))
    return pieces


def _cue(payload: list[str], start: float, end: float, line: int, *, entities: bool) -> list[Said]:
    text = "\n".join(payload)
    if not entities:  # SRT: its few formatting tags go, any other '<' is a word ("<3", "<works>")
        text = _SRT_TAG.sub("", _ASS_OVERRIDE.sub("", text))
        return [Said(None, start, end, text, line)] if text.strip() else []
    return [Said(voice, start, end, words, line) for voice, words in _voices(text, entities=entities)]


def parse_webvtt(text: str, source: str) -> list[Said]:
    """The cues of a WebVTT file, in file order."""
    lines = _LINE_BREAK.split(text.lstrip("\ufeff"))
    signature = lines[0] if lines else ""
    if not (signature == "WEBVTT" or signature.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise InputError(f"{source}: not a WebVTT file (its first line must be 'WEBVTT')")
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    for i in range(1, header_end):
        if "-->" in lines[i]:
            raise InputError(f"{source}: line {i + 1}: a blank line must separate the WEBVTT header from the cues")
    said: list[Said] = []
    for number, block in _blocks(lines, header_end):
        keyword = block[0].split(maxsplit=1)[0] if block[0].split() else ""
        if keyword in ("NOTE", "STYLE", "REGION") and "-->" not in block[0]:
            continue
        at = 0 if "-->" in block[0] else 1
        if at >= len(block) or "-->" not in block[at]:
            raise InputError(f"{source}: line {number}: expected a cue timing like '00:00:01.000 --> "
                             f"00:00:04.000', found {_show(block[0])}")
        start, end = _timing(block[at], _VTT_TIMING, f"{source}: line {number + at}", "00:00:01.000 --> 00:00:04.000")
        said += _cue(block[at + 1:], start, end, number + at + 1, entities=True)
    return said


def parse_srt(text: str, source: str) -> list[Said]:
    """The subtitles of an SRT file, in file order (the cue numbers are not checked: editors renumber freely)."""
    lines = _LINE_BREAK.split(text.lstrip("\ufeff"))
    said: list[Said] = []
    for number, block in _blocks(lines):
        at = 0 if "-->" in block[0] else 1
        if at >= len(block) or "-->" not in block[at]:
            raise InputError(f"{source}: line {number}: expected a subtitle number and a timing like "
                             f"'00:00:01,000 --> 00:00:04,000', found {_show(block[0])}")
        start, end = _timing(block[at], _SRT_TIMING, f"{source}: line {number + at}", "00:00:01,000 --> 00:00:04,000")
        said += _cue(block[at + 1:], start, end, number + at + 1, entities=False)
    return said


def _speaker_heading(line: str, where: str) -> tuple[str, float] | None:
    """``("Dana Lee", 3.0)`` for a line that only names a speaker and a time, the words following on the next
    lines (Otter's ``Dana Lee  0:03``, Zoom's ``[Dana Lee] 00:00:03``)."""
    match = _HEADING.match(line) or _BRACKET_HEADING.match(line)
    if match is None or not _looks_like_name(match.group(1).strip()):
        return None
    parts = match.group(2).split(":")
    hours = parts[0] if len(parts) == 3 else None
    return " ".join(match.group(1).split()), _seconds((hours, parts[-2], parts[-1], None), where)


def parse_plain(text: str, source: str) -> list[Said]:
    """``Name: text`` lines (a line without a name continues the one before), optionally each after a clock
    (``[00:01:05] Rep: text``, as ``copilot analyze --out`` writes the transcript); or a speaker and a time on a
    line of their own, the words below (``Dana Lee  0:03``)."""
    said: list[Said] = []
    for number, line in enumerate(_LINE_BREAK.split(text.lstrip("\ufeff")), start=1):
        if not line.strip():
            continue
        heading = _speaker_heading(line, f"{source}: line {number}")
        if heading is not None:
            said.append(Said(heading[0], heading[1], None, "", number))
            continue
        start: float | None = None
        clock = _CLOCK_PREFIX.match(line)
        if clock is not None and _named(clock.group(4)) is not None:
            start = _seconds((clock.group(1), clock.group(2), clock.group(3), None), f"{source}: line {number}")
            line = clock.group(4)
        if said and _named(line) is None:
            last = said[-1]
            said[-1] = Said(last.speaker, last.start, last.end, f"{last.text}\n{line}", last.line)
        else:
            said.append(Said(None, start, None, line, number))
    return said


# --- who spoke -------------------------------------------------------------------------------------------------


def _looks_like_name(name: str) -> bool:
    """A speaker label as meeting tools write them ("Dana Lee", "Speaker 1", "Lee (Contoso)", "dana@acme.com"),
    and not the start of a sentence ("So here's the thing")."""
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60 or any(ch in _NOT_IN_NAMES for ch in name):
        return False
    if len(words) == 1 and re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", name):
        return True
    first = words[0][0]
    if not (first.isalpha() and not first.islower()):
        return False
    for word in words[1:]:
        lead = word.lstrip("([")[:1]
        if not lead or (lead.islower() and word.lower() not in _NAME_PARTICLES):
            return False
    return True


def _named(line: str) -> tuple[str, str] | None:
    """``("Dana Lee", "text")`` for a line that starts with a speaker's name and a colon."""
    match = _PREFIX.match(line)
    if match is None or not _looks_like_name(match.group(1)):
        return None
    return " ".join(match.group(1).split()), match.group(2) or ""


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _attribute(said: list[Said], source: str) -> list[Said]:
    """Give every stretch its speaker: its voice span, a name at the start of the cue (or of a later line, for a
    name already seen), else the speaker before it."""
    known = {_key(s.speaker) for s in said if s.speaker}
    for s in said:
        if s.speaker is None:
            named = _named(s.text.split("\n", 1)[0])
            if named is not None:
                known.add(_key(named[0]))
    if not known:
        raise InputError(f"{source}: the captions name no speakers, so who said what is unknown; export them "
                         "with speaker names or analyze the recording")
    out: list[Said] = []
    speaker: str | None = None
    for s in said:
        if s.speaker is not None:
            speaker = s.speaker
            out.append(s)
            continue
        pieces: list[Said] = []
        current: list[str] = []
        for i, line in enumerate(s.text.split("\n")):
            named = _named(line)
            if named is not None and (i == 0 or _key(named[0]) in known):
                if " ".join(current).strip():
                    pieces.append(Said(speaker, s.start, s.end, " ".join(current), s.line))
                speaker, current = named[0], [named[1]]
            else:
                current.append(line)
        if " ".join(current).strip():
            if speaker is None:
                raise InputError(f"{source}: line {s.line}: words before any speaker is named "
                                 f"({_show(' '.join(current), 40)}); each turn needs a 'Name: ' or <v Name>")
            pieces.append(Said(speaker, s.start, s.end, " ".join(current), s.line))
        out += pieces
    out = _share_cue_times(out)
    return [Said(s.speaker, s.start, s.end, " ".join(s.text.split()), s.line) for s in out if s.text.strip()]


def _share_cue_times(said: list[Said]) -> list[Said]:
    """Several speakers in one cue (two voice spans, or "- Dana: ... / - Sam: ..."): the cue's time shared out
    among them by their words, so each turn keeps its place and its own moment."""
    out: list[Said] = []
    i = 0
    while i < len(said):
        j = i
        while j + 1 < len(said) and said[j + 1].start == said[i].start and said[j + 1].end == said[i].end \
                and said[j + 1].line == said[i].line:
            j += 1
        group = said[i:j + 1]
        first = group[0]
        if len(group) == 1 or first.start is None or first.end is None:
            out += group
        else:
            words = [max(1, len(s.text.split())) for s in group]
            span, t = first.end - first.start, first.start
            for s, n in zip(group, words):
                share = span * n / sum(words)
                out.append(Said(s.speaker, t, t + share, s.text, s.line))
                t += share
        i = j + 1
    return out


def _tally(said: list[Said]) -> list[tuple[str, int]]:
    """Each speaker (first spelling seen) with how many stretches they spoke, most first."""
    counts: dict[str, list[Any]] = {}
    for order, s in enumerate(said):
        assert s.speaker is not None
        entry = counts.setdefault(_key(s.speaker), [s.speaker, 0, order])
        entry[1] += 1
    ranked = sorted(counts.values(), key=lambda e: (-e[1], e[2]))
    return [(str(name), int(n)) for name, n, _ in ranked]


def _listing(tally: list[tuple[str, int]], shown: int = 8) -> str:
    """``Dana Lee 41 lines, Sam Roy 38, Ann 2``."""
    parts = [f"{name} {n} line{'s' if n != 1 else ''}" if i == 0 else f"{name} {n}"
             for i, (name, n) in enumerate(tally[:shown])]
    if len(tally) > shown:
        parts.append(f"and {len(tally) - shown} more")
    return ", ".join(parts)


def _own_labels() -> tuple[set[str], set[str]]:
    """The speaker names this app writes into its own exports ("Rep"/"You", "Prospect", "Candidate", ...)."""
    from copilot.session.labels import OTHER_PARTY, labels_for

    reps, parties = set(), set()
    for vertical in OTHER_PARTY:
        labels = labels_for(vertical)
        reps |= {_key(labels.rep), _key(labels.you)}
        parties.add(_key(labels.party))
    return reps, parties


def rep_key(rep: str | None, tally: list[tuple[str, int]], source: str) -> str:
    """Which speaker is the rep, as a name key: the name given (case and spacing aside, or a first name that fits
    only one speaker), or, for a transcript this app exported, its own "Rep" label. UsageError otherwise."""
    names = [name for name, _ in tally]
    if rep is not None and not rep.strip():
        rep = None  # an empty name (Settings left blank) names nobody
    if rep is None:
        reps, parties = _own_labels()
        keys = {_key(n) for n in names}
        if len(keys) <= 2 and len(keys & reps) == 1 and keys <= reps | parties:
            return next(k for k in keys if k in reps)
        count = f"{len(names)} speaker{'s' if len(names) != 1 else ''}"
        raise UsageError(f"{source} names {count} ({_listing(tally)}): say which is the rep with --rep NAME")
    want = _key(rep)
    if any(_key(n) == want for n in names):
        return want
    first = want.split()[0]
    fits = [n for n in names
            if (" " not in want and _key(n).split()[0] == want) or (" " not in _key(n) and _key(n) == first)]
    if len(fits) == 1:
        return _key(fits[0])
    if len(fits) > 1:
        raise UsageError(f"{source}: the rep {_show(rep)} could be {' or '.join(fits)}: give the full name "
                         "with --rep NAME")
    raise UsageError(f"{source}: no speaker is named {_show(rep)} ({_listing(tally)}): say which is the rep "
                     "with --rep NAME")


# --- into utterances -------------------------------------------------------------------------------------------


def _synthetic_times(said: list[Said]) -> list[Said]:
    """Times for untimed lines from their word counts; a line's clock, where given, is kept as its start."""
    out: list[Said] = []
    t = 0.0
    for s in said:
        start = s.start if s.start is not None and s.start >= t else t
        end = start + max(1.0, len(s.text.split()) / WORDS_PER_SECOND)
        out.append(Said(s.speaker, start, end, s.text, s.line))
        t = end + SYNTHETIC_PAUSE
    return out


def _join(said: list[Said]) -> list[Said]:
    """Consecutive cues of one named speaker that follow closely become one turn (see JOIN_GAP); two people on the
    same side stay two turns."""
    out: list[Said] = []
    for s in said:
        if out and _key(out[-1].speaker or "") == _key(s.speaker or ""):
            last = out[-1]
            assert last.start is not None and last.end is not None and s.start is not None and s.end is not None
            gap = s.start - last.end
            limit = JOIN_GAP if last.text.rstrip('"\u201d\u2019)').endswith(_SENTENCE_END) else JOIN_GAP_MID_SENTENCE
            if gap <= limit + 1e-6:  # an overlap (rolling captions) joins too
                out[-1] = Said(last.speaker, last.start, max(last.end, s.end), f"{last.text} {s.text}", last.line)
                continue
        out.append(s)
    return out


def read_captions(text: str, fmt: str, source: str, rep: str | None = None) -> tuple[list[Utterance],
                                                                                     dict[str, Any]]:
    """The utterances of a caption file in ``fmt`` (one of FORMATS), the rep named by ``rep``, and what the
    transcript's ``meta`` should say: the format, who was taken for whom, whether the times are made up."""
    parse = {"webvtt": parse_webvtt, "srt": parse_srt, "text": parse_plain}[fmt]
    said = parse(text, source)
    if not said:
        raise InputError(f"{source}: no captions in this {'WebVTT' if fmt == 'webvtt' else fmt.upper()} file"
                         if fmt != "text" else f"{source}: the transcript is empty")
    said = _attribute(said, source)
    if not said:
        raise InputError(f"{source}: the transcript names speakers but holds no words")
    tally = _tally(said)
    the_rep = rep_key(rep, tally, source)
    timed = all(s.end is not None for s in said)
    clocked = all(s.start is not None for s in said)
    if timed:
        said = _join(sorted(said, key=lambda s: (s.start or 0.0, s.end or 0.0)))
    else:
        said = _synthetic_times(said)
    utterances = [Utterance(REP if _key(s.speaker or "") == the_rep else PROSPECT, float(s.start or 0.0),
                            float(s.end or 0.0), s.text) for s in said]
    utterances.sort(key=lambda u: (u.start, u.end))
    meta: dict[str, Any] = {
        "format": fmt,
        "speakers": {name: (REP if _key(name) == the_rep else PROSPECT) for name, _ in tally},
        "lines": dict(tally),
    }
    if not timed:
        meta["synthetic_times"] = "ends" if clocked else True
    return utterances, meta
