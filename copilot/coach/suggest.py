"""The next step to suggest, from what the other party has said: the method's table (stage → step → with whom).

Why a table and not rules in code: each vertical's road to a decision has its own stages (sales: qualified,
stakeholders, technical, business case, competitive, near a decision; recruiting: screened, interviewed, final
round; …), and a team must be able to add the words its buyers use without touching Python. The table lives in
the playbook (``next_steps``): per stage, groups of signal phrases (the *kinds* of things said: a budget owner
named, several approvers, security worries, a competitor, contract terms …), the step to propose, the role it is
with by default and the roles that fit it. What is code is how signals add up:

- each utterance is matched once against every group (one hit per group per utterance), a hit with a negation just
  before it ("we're not worried about security") does not count, the other party counts in full, the rep's
  statements half and the rep's questions not at all (asking "who else is involved?" is not hearing it);
- a stage scores the sum of its groups' hits (each group capped), later hits weigh more (the strongest, most recent
  signals decide), a stage that needs several groups ("qualified": pain, budget, timeline, decision-maker) is only
  in the running once enough of them were heard, and a tie goes to the stage further along;
- ``with`` is the person or role named in the call that fits the winning stage (the most recent one; a name said
  next to the role or as the subject of the stage's signal is kept: "Dana (CFO)"), else the stage's default.

Feeding an utterance costs a few compiled regular-expression searches; the suggestion itself is recomputed from a
handful of hits, so the coach stays well under a millisecond per utterance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from copilot.coach.text import compile_phrases, restore_case
from copilot.errors import InputError

_CAP = re.compile(r"(?<![\w'’])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’])")
_GROUP = re.compile(r"(?:s|group|committee|board|team)$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[—–]\s*)$")


@dataclass(frozen=True)
class SignalGroup:
    """One kind of thing said that points at a stage ("asks about payback"), with the words for it."""

    name: str
    pattern: re.Pattern[str]
    weight: float
    what: str   # a noun phrase for the stage's reason ("the budget")
    why: str    # a clause for the prompt ("they asked how it pays back"); may use {with}
    concern: bool = False  # a worry (security, cost), which the concern commitment test answers


@dataclass(frozen=True)
class StageRule:
    """One row of the method's table."""

    name: str
    action: str                  # "an ROI review"
    noun: str                    # the step as the commitment test says it ("the review")
    default_with: str | None     # "the economic buyer"; None: with the other party alone
    needs: int                   # how many of its groups must be heard before it is in the running
    cap: float                   # the most one group adds
    groups: tuple[SignalGroup, ...]
    roles: re.Pattern[str]       # the people it fits ("cfo", "head of finance")
    why: str                     # the reason from the groups heard ("you've heard {heard}"), or "" for the top group's
    many: bool = False           # ``with`` joins every fitting role named (the buying committee)
    weight: float = 1.0          # how much its score counts (a stage reached by breadth, not depth, counts less)


@dataclass(frozen=True)
class NextStepTable:
    """A vertical's compiled table, with the shared rules (negations, words that are no names)."""

    stages: tuple[StageRule, ...]
    negation: re.Pattern[str]
    not_names: frozenset[str]
    min_score: float = 1.0
    rep_weight: float = 0.5
    subject_words: frozenset[str] = frozenset()  # after a name, these make it the subject ("Dana signs off")

    def stage(self, name: str) -> StageRule | None:
        return next((s for s in self.stages if s.name == name), None)


@dataclass(frozen=True)
class Mention:
    """A person or role named in the call that fits a stage."""

    utterance: int
    stage: str
    role: str | None     # as said ("CFO")
    person: str | None   # as said ("Dana")


@dataclass(frozen=True)
class Suggestion:
    """What the coach would propose now: the stage, the step, with whom, and why (the utterances that led to it)."""

    stage: str
    action: str
    with_: str | None
    evidence: tuple[int, ...]            # utterance indices, strongest first
    why: str = ""                        # a clause for the prompt: "they named the CFO as the budget owner"
    noun: str = ""                       # "the review", for the commitment test
    named: bool = False                  # ``with_`` was named in the call (not the stage's default)
    person: str | None = None            # the person named, as said ("Dana")
    role: str | None = None              # the role named, as said ("CFO")
    heard: tuple[str, ...] = field(default_factory=tuple)  # the stage's groups heard


# ---------------------------------------------------------------- compiling the playbook's table

def _pattern(phrases: Any, where: str) -> re.Pattern[str]:
    return compile_phrases([p for p in phrases] if isinstance(phrases, list) else [], where)


def _num(value: Any, default: float, where: str) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"playbook {where}: expected a number, got {value!r}")
    return float(value)


def compile_table(data: Any, vertical: str) -> NextStepTable | None:
    """The playbook's ``next_steps`` compiled; None when the vertical has no stages. Bad shapes are one line."""
    if data is None:
        return None
    where = f"{vertical}.next_steps"
    if not isinstance(data, dict):
        raise InputError(f"playbook {where} must be an object")
    stages_in = data.get("stages") or {}
    if not isinstance(stages_in, dict):
        raise InputError(f"playbook {where}.stages must be an object (stage → its row)")
    stages: list[StageRule] = []
    cap = _num(data.get("cap"), 2.0, f"{where}.cap")
    for name, row in stages_in.items():
        w = f"{where}.stages.{name}"
        if not isinstance(row, dict) or not isinstance(row.get("action"), str) or not row["action"].strip():
            raise InputError(f"playbook {w} needs an 'action' (the step to propose)")
        groups_in = row.get("signals") or {}
        if not isinstance(groups_in, dict) or not groups_in:
            raise InputError(f"playbook {w} needs 'signals' (groups of phrases)")
        groups = []
        for gname, g in groups_in.items():
            if not isinstance(g, dict):
                raise InputError(f"playbook {w}.signals.{gname} must be an object with 'phrases'")
            groups.append(SignalGroup(str(gname), _pattern(g.get("phrases"), f"{w}.signals.{gname}"),
                                      _num(g.get("weight"), 1.0, f"{w}.signals.{gname}.weight"),
                                      str(g.get("what", gname.replace("_", " "))), str(g.get("why", "")),
                                      bool(g.get("concern", False))))
        default_with = row.get("with")
        stages.append(StageRule(
            name=str(name), action=row["action"].strip(), noun=str(row.get("noun", "the next step")),
            default_with=default_with if isinstance(default_with, str) and default_with.strip() else None,
            needs=max(1, int(_num(row.get("needs"), 1, f"{w}.needs"))),
            cap=_num(row.get("cap"), cap, f"{w}.cap"), groups=tuple(groups),
            roles=_pattern(row.get("roles"), f"{w}.roles"), why=str(row.get("why", "")),
            many=bool(row.get("many", False)), weight=_num(row.get("weight"), 1.0, f"{w}.weight"),
        ))
    if not stages:
        return None
    not_names = data.get("not_names") or []
    return NextStepTable(
        stages=tuple(stages),
        negation=_pattern(data.get("negation"), f"{where}.negation"),
        not_names=frozenset(str(n).lower() for n in not_names if isinstance(n, str)),
        min_score=_num(data.get("min_score"), 1.0, f"{where}.min_score"),
        subject_words=frozenset(str(n).lower() for n in data.get("subject_words") or [] if isinstance(n, str)),
        rep_weight=_num(data.get("rep_weight"), 0.5, f"{where}.rep_weight"),
    )


# ---------------------------------------------------------------- following a call

def _token_at(padded: str, pos: int) -> int:
    """The index of the token that starts at ``pos`` in ``" " + text + " "``."""
    return padded.count(" ", 0, pos + 1) - 1


_KEEP_MENTIONS = 24  # per stage: who was named lately is what decides ``with``
_KEEP_EVIDENCE = 3


class Suggester:
    """Feed every utterance (its normalised text); ``suggestion()`` any time.

    Constant work per utterance however long the call: each stage keeps two running sums per signal group (the
    weights, and the weights times the utterance index, which give the recency-weighted score for any call length
    in one step), its three strongest utterances and the last few people named."""

    def __init__(self, table: NextStepTable | None) -> None:
        self.table = table
        stages = [st.name for st in table.stages] if table is not None else []
        self._sums: dict[str, dict[str, list[float]]] = {name: {} for name in stages}
        self._top: dict[str, list[tuple[float, int]]] = {name: [] for name in stages}
        self._mentions: dict[str, list[Mention]] = {name: [] for name in stages}
        self._count = 0
        self._version = 0
        self._cased = [0, 0]  # utterances that start in lower case, in upper case: is the transcript sentence-cased?
        self._cached: tuple[tuple[int, int], Suggestion | None] | None = None

    def feed(self, i: int, padded: str, original: str, *, weight: float, at: int | None = None) -> list[SignalGroup]:
        """Read one utterance: ``padded`` is its normalised text with a space either side, ``weight`` how much
        its speaker's words count (1 for the other party, less for the rep's statements, 0 for the rep's
        questions: role mentions are still kept, since a rep may name the person to bring). ``at``: the utterance
        the words were said in, when they are counted again later (a rep's summary the other party then confirmed).
        Returns the signal groups it was heard for."""
        self._count = max(self._count, i + 1)
        again = at is not None
        i = at if at is not None else i
        t = self.table
        hit: list[SignalGroup] = []
        if t is None:
            return hit
        first = next((c for c in original if c.isalpha()), "")
        if first and not again:
            self._cased[first.isupper()] += 1
        negs = [_token_at(padded, m.start() + 1) for m in t.negation.finditer(padded)]
        names: list[tuple[int, str]] | None = None
        for st in t.stages:
            starts: list[int] = []
            best = 0.0
            if weight > 0:
                for g in st.groups:
                    for m in g.pattern.finditer(padded):
                        k = _token_at(padded, m.start() + (1 if padded[m.start()] == " " else 0))
                        if any(0 < k - n <= 3 for n in negs):
                            continue  # "no security concerns", "not looking at anyone else"
                        w = g.weight * weight
                        acc = self._sums[st.name].setdefault(g.name, [0.0, 0.0])
                        acc[0] += w
                        acc[1] += w * (i + 1)
                        self._version += 1
                        best = max(best, w)
                        hit.append(g)
                        starts.append(k)
                        break
            if best > 0 and not again:
                top = self._top[st.name]
                top.append((best, i))
                top.sort(reverse=True)  # strongest first, then the most recent
                del top[_KEEP_EVIDENCE:]
                self._version += 1
            for m in st.roles.finditer(padded) if not again else ():
                if names is None:
                    names = self._names(padded, original)
                role_norm = m.group(0).strip()
                k0 = _token_at(padded, m.start() + (1 if padded[m.start()] == " " else 0))
                k1 = k0 + len(role_norm.split())
                person = next((nm for k, nm in names if k0 - 4 <= k < k0 or k1 <= k < k1 + 2), None)
                said = restore_case(role_norm, original) or role_norm
                said = re.sub(r"(?:'s|’s|s')$", "", said)  # "our CFO's sign-off": the role, not the possessive
                self._mention(Mention(i, st.name, said, person))
            if starts and not again:
                if names is None:
                    names = self._names(padded, original)
                toks = padded.split()
                for k0 in starts:  # the name is who the signal is about when it is the subject ("Dana owns the …")
                    person = next((nm for k, nm in names if 0 < k0 - k <= 3 and k + 1 < len(toks)
                                   and toks[k + 1] in t.subject_words), None)
                    if person is not None:
                        self._mention(Mention(i, st.name, None, person))
        return hit

    def _mention(self, m: Mention) -> None:
        kept = self._mentions[m.stage]
        kept.append(m)
        del kept[:-_KEEP_MENTIONS]
        self._version += 1

    def _names(self, padded: str, original: str) -> list[tuple[int, str]]:
        """Names said in the utterance with their token index: capitalised words the normaliser kept, not a known
        non-name ("Monday", "I"), and not at a sentence's start (unless a comma follows: "Dana, our CFO") when the
        transcript is sentence-cased; a recogniser that writes in lower case capitalises only names."""
        assert self.table is not None
        sentence_cased = self._cased[1] >= self._cased[0]
        tokens = padded.split()
        out: list[tuple[int, str]] = []
        for m in _CAP.finditer(original):
            word = m.group(1)
            low = word.lower().replace("-", " ")
            if low in self.table.not_names or len(low) < 3:
                continue
            if sentence_cased and _SENTENCE_START.search(original[:m.start()]) \
                    and not original[m.end():m.end() + 1] == ",":
                continue
            first = low.split()[0]
            if first in tokens:
                out.append((tokens.index(first), word))
        return out

    def suggestion(self) -> Suggestion | None:
        """The step to suggest from everything heard so far, or None when too little was heard."""
        key = (self._count, self._version)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, self._decide())
        return self._cached[1]

    def _decide(self) -> Suggestion | None:
        t = self.table
        if t is None:
            return None
        n = max(self._count, 1)
        best: tuple[float, int, StageRule, dict[str, float]] | None = None
        for order, st in enumerate(t.stages):
            sums = self._sums[st.name]
            if len(sums) < st.needs:
                continue
            # whether enough was heard at all does not fade as the call goes on …
            if st.weight * sum(min(a, st.cap) for a, _ in sums.values()) < t.min_score:
                continue
            # … but later signals weigh more: sum of w * (0.6 + 0.4 * (utterance + 1) / n)
            per_group = {g: 0.6 * a + 0.4 * b / n for g, (a, b) in sums.items()}
            score = st.weight * sum(min(v, st.cap) for v in per_group.values())
            if best is None or (score, order) >= (best[0], best[1]):
                best = (score, order, st, per_group)
        if best is None:
            return None
        _, _, st, per_group = best
        evidence = [k for _, k in self._top[st.name]]
        with_, named, person, role = self._with(st)
        heard_groups = [g for g in st.groups if g.name in per_group]
        # the reason: the group heard most, unless one names who it is with and someone was named ("they named
        # the CFO as the budget owner" says more than "they asked about the return")
        naming = [g for g in heard_groups if "{with}" in g.why] if named else []
        top = max(naming or heard_groups, key=lambda g: per_group[g.name] * g.weight)
        if st.why:
            whats = [g.what for g in heard_groups]
            heard = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
            why = st.why.replace("{heard}", heard)
        else:
            why = top.why  # "{with}" is left for the prompt, which says it as the rep would ("the CFO", "Dana")
        return Suggestion(stage=st.name, action=st.action, with_=with_, evidence=tuple(evidence), why=why,
                          noun=st.noun, named=named, person=person, role=role,
                          heard=tuple(g.name for g in heard_groups))

    def _with(self, st: StageRule) -> tuple[str | None, bool, str | None, str | None]:
        """(``with``, whether it was named, the person, the role)."""
        fitting = self._mentions[st.name]
        if not fitting:
            return st.default_with, False, None, None
        if st.many:
            seen: list[str] = []
            for m in reversed(fitting):
                who = m.person or m.role or ""
                if who and who.lower() not in [s.lower() for s in seen]:
                    seen.append(who)
            seen = seen[:3][::-1]
            if len(seen) >= 2:
                return ", ".join(seen[:-1]) + " and " + seen[-1], True, None, None
            if seen and _GROUP.search(seen[0]):  # one name for many ("the steering group", "the regional managers")
                return seen[0], True, None, None
            return st.default_with, False, None, None
        last = fitting[-1]
        person = last.person
        role = last.role
        if person is None:  # a name said with the same role earlier ("Dana, our CFO" … "the CFO will want…")
            person = next((m.person for m in reversed(fitting) if m.person and m.role
                           and role and m.role.lower() == role.lower()), None)
        if role is None:
            role = next((m.role for m in reversed(fitting) if m.role and m.person == person), None)
        if person and role:
            return f"{person} ({role})", True, person, role
        return person or role, True, person, role


__all__ = ["NextStepTable", "StageRule", "Suggester", "Suggestion", "compile_table"]
