"""Source headers to canonical columns: names, labels, options, metadata.

Every header of the file gets one :class:`~diagnosis.read.frame.HeaderMatch`.
With an instrument a header is, in this order:

``dropped``
    an empty header over an empty column (a separator);
``metadata``
    a known export column: Kobo/ODK/Ona ``_uuid``, ``meta/instanceID``,
    ``_submission_time``, ``_id``, ``_index`` ...; Google Forms
    ``Sygnatura czasowa``/``Timestamp``; LimeSurvey ``id``, ``submitdate`` ...;
    an instrument question with role ``id``, ``started_at`` or ``ended_at``;
``option``
    one option of a select_multiple question split into its own column:
    ``group/q/option``, ``q[option]``, ``q.option``, ``q__option``, ``q_option``
    or ``Question label/Option label``;
``name``
    the question name, case-insensitive, any ``group/`` prefix removed (a
    ``begin loop`` item in the prefix gives ``q_item``; ``q_other`` is the
    "specify other" text of a select question);
``label``
    a question label in any language (case and spacing ignored), also after a
    group-label prefix, inside a Google grid ``Stem [Label]``, or through an
    ODK ``%(label)s`` template; labels shared by several questions go to them
    in form order;
``unmatched``
    anything else, kept under its cleaned name.

Without an instrument every header that is not metadata or a separator is
``cleaned``: lower case, ASCII, Polish letters folded, ``_`` between words.

LimeSurvey can head its columns "question code. question text" (``id. Response
ID``, ``Ag2[SQ002]. Which services?``); :func:`split_code_headers` cuts such
headers at the first ``". "`` so the code is matched, and the text is kept as a
variable label (tried as a label when the code matches nothing).

Examples
--------
>>> clean_name("Płeć respondenta (K/M)")
'plec_respondenta_k_m'
>>> unique_names(["a", "b", "a", "a"])
['a', 'b', 'a_2', 'a_3']
>>> split_code_headers(["id. Response ID", "Ag2[SQ002]. Usługi [Kino]", "Uwagi"])
(('id', 'Ag2[SQ002]', 'Uwagi'), {0: 'Response ID', 1: 'Usługi [Kino]'})
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..instrument import Instrument, Question
from .frame import HeaderMatch, MatchHow
from .values import ChoiceIndex, normalise

__all__ = [
    "Target",
    "clean_name",
    "detect_flavour",
    "match_headers",
    "split_code_headers",
    "unique_names",
]

_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}
)
_ROLE_META = {"id": "respondent_id", "started_at": "started_at", "ended_at": "ended_at"}

#: normalised header -> (canonical column or None, priority, name when not canonical)
_KOBO = {
    "_uuid": ("respondent_id", 1, "meta_uuid"),
    "meta/instanceid": ("respondent_id", 2, "meta_instance_id"),
    "instanceid": ("respondent_id", 2, "meta_instance_id"),
    "_submission_time": ("submitted_at", 1, "meta_submission_time"),
}
_KOBO_OTHER = frozenset(
    {"_id", "_index", "_tags", "_notes", "_version", "__version__", "_duration", "_submitted_by",
     "_status", "_validation_status", "_total_media", "_media_count", "_media_all_received",
     "_attachments", "_geolocation", "_xform_id_string", "_bamboo_dataset_id", "_edited",
     "_parent_index", "_parent_table_name", "_submission__id", "_submission__uuid",
     "_submission__submission_time", "_submission__validation_status", "_submission__notes",
     "_submission__status", "_submission__submitted_by", "_submission___version__",
     "_submission__tags", "formhub/uuid", "meta/deprecatedid", "meta/rootuuid",
     "meta/instancename", "deprecatedid", "rootuuid", "instancename"}
)  # fmt: skip
_KOBO_TIMES = {"start": ("started_at", 2, "start"), "end": ("ended_at", 2, "end")}
_GOOGLE = {"sygnatura czasowa", "timestamp", "znacznik czasu", "marca temporal", "zeitstempel"}
_LIME = {
    "id": ("respondent_id", 1, "meta_id"),
    "response id": ("respondent_id", 1, "meta_response_id"),
    "submitdate": ("submitted_at", 1, "meta_submitdate"),
    "date submitted": ("submitted_at", 1, "meta_date_submitted"),
    "startdate": ("started_at", 1, "meta_startdate"),
    "date started": ("started_at", 1, "meta_date_started"),
}
_LIME_OTHER = frozenset(
    {"lastpage", "last page", "startlanguage", "start language", "seed", "datestamp",
     "date last action", "refurl", "referrer url", "ipaddr", "ip address", "token",
     "interviewtime", "total time"}
)  # fmt: skip
#: headers people use for a respondent number in their own files (any flavour); used only
#: when no question of the instrument has that name
_GENERIC_ID = {
    key: ("respondent_id", 3, "meta_" + key.replace(" ", "_"))
    for key in ("id", "respondent_id", "id_respondenta", "nr_ankiety", "numer ankiety", "lp")
}
_KOBO_MARKS = frozenset(
    {"_uuid", "_submission_time", "meta/instanceid", "_xform_id_string", "formhub/uuid"}
)
_GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
_BRACKET = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")
_TEMPLATE = re.compile(r"%\([^)]*\)s|\$\{[^}]*\}")
_SEPARATORS = ("__", ".", ":", "_")
#: a LimeSurvey "code. text" header: a question code (with [sub-question] parts), ". ", text
_CODE_TEXT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\[[^\[\]]*\])*)\. (.*\S.*)$", re.S)
#: LimeSurvey's own column codes: one of them written "code. text" marks the whole file
_LIME_CODES = frozenset(
    {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
     "token", "refurl", "ipaddr"}
)  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What one source header becomes (a :class:`HeaderMatch` plus what the values need).

    ``question`` is set when the values follow a question's type; ``option``
    for a split select_multiple column; ``meta`` names the canonical metadata
    column the header competes for (``priority`` decides, lower wins) and
    ``column`` is its fallback name.
    """

    source_index: int
    source: str
    how: MatchHow
    column: str | None
    language: str | None = None
    question: Question | None = None
    option: str | None = None
    meta: str | None = None
    priority: int = 9

    def header_match(self) -> HeaderMatch:
        """The public record of this match."""
        return HeaderMatch(self.source, self.column, self.how, self.language, self.source_index)


def clean_name(text: str) -> str:
    """A header as a column name: lower-case ASCII, Polish letters folded, ``_`` between words.

    Examples
    --------
    >>> clean_name("Rok studiów"), clean_name("  Q[SQ001] "), clean_name("Żółć!")
    ('rok_studiow', 'q_sq001', 'zolc')
    """
    folded = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def unique_names(names: Sequence[str]) -> list[str]:
    """Make names unique by suffixing ``_2``, ``_3`` ... to repeats (first one unchanged)."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        if name not in seen:
            seen.add(name)
            out.append(name)
            continue
        k = 2
        while f"{name}_{k}" in taken or f"{name}_{k}" in seen:
            k += 1
        seen.add(f"{name}_{k}")
        out.append(f"{name}_{k}")
    return out


def split_code_headers(headers: Sequence[str]) -> tuple[tuple[str, ...], dict[int, str]]:
    """LimeSurvey "question code. question text" headers cut into codes and texts.

    A header is cut at its first ``". "`` when what comes before is a question
    code (``Ag2``, ``Ag2[SQ002]``, ``Q1[1][2]``). Headers are cut only in a
    file that uses the form for one of LimeSurvey's own columns (``id.``,
    ``submitdate.``, ``lastpage.`` ...), or for at least 80% of its headers
    with some sub-question codes in brackets, so that a plain header such as
    ``P1. Płeć`` in someone's own file stays whole.

    Parameters
    ----------
    headers : sequence of str

    Returns
    -------
    codes : tuple of str
        The headers, cut to their codes where they had that form (others unchanged).
    texts : dict position -> str
        The question texts cut off.

    Examples
    --------
    >>> split_code_headers(["submitdate. Date submitted", "Q1. Wiek", "Gender"])
    (('submitdate', 'Q1', 'Gender'), {0: 'Date submitted', 1: 'Wiek'})
    >>> split_code_headers(["P1. Płeć", "P2. Wiek"])
    (('P1. Płeć', 'P2. Wiek'), {})
    """
    matches = [_CODE_TEXT.match(str(h).strip()) for h in headers]
    found = [m for m in matches if m is not None]
    filled = sum(1 for h in headers if str(h).strip())
    lime_column = any(m.group(1).casefold() in _LIME_CODES for m in found)
    coded = len(found) >= 0.8 * filled and any("[" in m.group(1) for m in found)
    if not found or not (lime_column or coded):
        return tuple(headers), {}
    codes = tuple(m.group(1) if m else h for h, m in zip(headers, matches, strict=True))
    texts = {i: m.group(2).strip() for i, m in enumerate(matches) if m is not None}
    return codes, texts


def detect_flavour(headers: Sequence[str], format: str) -> str:
    """Whose export the file looks like: ``kobo``, ``google_forms``, ``limesurvey``,
    ``spss``, ``stata`` or ``plain``.

    Examples
    --------
    >>> detect_flavour(["Sygnatura czasowa", "Płeć"], "csv")
    'google_forms'
    >>> detect_flavour(["start", "grupa/q1", "_uuid"], "csv")
    'kobo'
    """
    if format in ("sav", "zsav", "por"):
        return "spss"
    if format == "dta":
        return "stata"
    if format == "limesurvey_sps":
        return "limesurvey"
    low = [normalise(h) for h in headers]
    if _KOBO_MARKS & set(low):
        return "kobo"
    if low and low[0] in _GOOGLE:
        return "google_forms"
    names = set(low)
    if {"id", "submitdate"} <= names or {"id", "lastpage", "startlanguage"} <= names:
        return "limesurvey"
    if {"response id", "date submitted"} <= names:
        return "limesurvey"
    return "plain"


def _metadata(header: str, position: int, flavour: str) -> Target | None:
    key = normalise(header)
    found: tuple[str | None, int, str] | None = _KOBO.get(key)
    if found is None and key in _KOBO_OTHER:
        found = (None, 9, "meta_" + clean_name(key.removeprefix("meta/")))
    if found is None and flavour == "kobo":
        found = _KOBO_TIMES.get(key)
    if found is None and flavour == "google_forms" and position == 0 and key in _GOOGLE:
        found = ("submitted_at", 1, "meta_timestamp")
    if found is None and flavour == "limesurvey":
        found = _LIME.get(key)
        if found is None and key in _LIME_OTHER:
            found = (None, 9, "meta_" + clean_name(key))
    if found is None:
        return None
    meta, priority, fallback = found
    return Target(position, header, "metadata", fallback, meta=meta, priority=priority)


# --------------------------------------------------------------------- the instrument side


def _loose(text: str) -> str:
    """Normalised text without a trailing required-marker or punctuation."""
    return normalise(text).rstrip(" *:?.!")


@dataclass
class _Index:
    """Lookups over one instrument, built once per file."""

    instrument: Instrument
    by_name: dict[str, Question]
    labels: dict[str, list[tuple[Question, str]]]
    templates: list[tuple[re.Pattern[str], Question, str]]
    items: dict[str, str]
    choices: dict[str, ChoiceIndex]

    @classmethod
    def of(cls, instrument: Instrument) -> _Index:
        by_name = {q.name.casefold(): q for q in instrument.questions}
        labels: dict[str, list[tuple[Question, str]]] = {}
        templates = []
        for q in instrument.questions:
            for lang, label in q.labels.items():
                if not label:
                    continue
                if _TEMPLATE.search(label):
                    parts = _TEMPLATE.split(normalise(label))
                    pattern = "(.+?)".join(re.escape(p) for p in parts)
                    templates.append((re.compile(f"^{pattern}$"), q, lang))
                    continue
                texts = [label]
                if q.stem.get(lang):  # a grid row: Google Forms writes "Stem [Row]"
                    texts.append(f"{q.stem[lang]} [{label}]")
                for text in texts:
                    for key in dict.fromkeys((normalise(text), _loose(text))):
                        bucket = labels.setdefault(key, [])
                        if all(other is not q for other, _ in bucket):
                            bucket.append((q, lang))
        items: dict[str, str] = {}
        for choice_list in instrument.choice_lists.values():
            for c in choice_list:
                items.setdefault(normalise(c.name), c.name)
                for label in c.labels.values():
                    if label:
                        items.setdefault(normalise(label), c.name)
        choices = {
            q.name: ChoiceIndex.of(q, extra=("other",) if q.is_multiple else ())
            for q in instrument.questions
            if q.is_select
        }
        return cls(instrument, by_name, labels, templates, items, choices)

    def question_by_label(self, text: str) -> list[tuple[Question, str]]:
        return self.labels.get(normalise(text)) or self.labels.get(_loose(text)) or []

    def option(self, q: Question, text: str, *, codes_only: bool = False) -> str | None:
        """The option of select_multiple ``q`` written as ``text`` (code, or label)."""
        idx = self.choices[q.name]
        code = idx.exact_code(text.strip())
        if code is None and not codes_only:
            code = idx.code(text.strip())
        if code == "other" and codes_only and "other" not in q.choice_names():
            return None
        return code


def _tails(header: str) -> list[str]:
    """``"a/b/c"`` -> ``["a/b/c", "b/c", "c"]`` (group prefixes removed one by one)."""
    parts = header.split("/")
    return ["/".join(parts[k:]).strip() for k in range(len(parts))]


def _as_question(index: _Index, text: str) -> Question | None:
    """A question written as its name (after group prefixes) or its label."""
    last = text.split("/")[-1].strip().casefold()
    if last in index.by_name:
        return index.by_name[last]
    for tail in _tails(text):
        found = index.question_by_label(tail)
        if found:
            return found[0][0]
    return None


def _option_target(position: int, header: str, q: Question, option: str) -> Target:
    return Target(position, header, "option", f"{q.name}__{option}", question=q, option=option)


def _option_by_name(index: _Index, header: str, position: int) -> Target | None:
    parts = [p.strip() for p in header.split("/")]
    #: (question name, option text, may be the implicit or_other option "other")
    candidates: list[tuple[str, str, bool]] = []
    if len(parts) >= 2:
        candidates.append((parts[-2], parts[-1], True))
    last = parts[-1]
    bracket = _BRACKET.match(last)
    if bracket:
        candidates.append((bracket.group(1), bracket.group(2), False))
    for q in index.instrument.questions:
        if not q.is_multiple:
            continue
        for sep in _SEPARATORS:
            prefix = q.name + sep
            if last.casefold().startswith(prefix.casefold()) and len(last) > len(prefix):
                candidates.append((q.name, last[len(prefix) :], False))
    for name, option_text, implicit_other in candidates:
        q = index.by_name.get(name.casefold())
        if q is None or not q.is_multiple:
            continue
        option = index.option(q, option_text, codes_only=True)
        if option is None and implicit_other and option_text.strip().casefold() == "other":
            option = "other"
        if option is not None:
            return _option_target(position, header, q, option)
    return None


def _by_name(index: _Index, header: str, position: int) -> Target | None:
    parts = [p.strip() for p in header.split("/")]
    last = parts[-1].casefold()
    q = index.by_name.get(last)
    if q is not None:
        prefix = [p.casefold() for p in parts[:-1]]
        groups = [g.casefold() for g in q.group]
        extras = [p for p in prefix if p not in groups]
        if extras and groups and all(g in prefix for g in groups):
            item = index.items.get(normalise(extras[-1]), extras[-1])
            return Target(position, header, "name", f"{q.name}_{clean_name(item)}", question=q)
        return Target(position, header, "name", q.name, question=q)
    bracket = _BRACKET.match(last)
    if bracket and bracket.group(2).strip() == "other":
        last = f"{bracket.group(1)}_other"  # LimeSurvey's "other" text, q[other]
    if last.endswith("_other"):
        base = index.by_name.get(last.removesuffix("_other"))
        if base is not None and base.is_select:
            return Target(position, header, "name", f"{base.name}_other")
    if last.endswith("_url"):
        base = index.by_name.get(last.removesuffix("_url"))
        if base is not None:
            return Target(position, header, "name", f"{base.name}_URL")
    for part in _GEO_PARTS:
        if last.startswith("_") and last.endswith(f"_{part}"):
            base = index.by_name.get(last[1 : -len(part) - 1])
            if base is not None:
                return Target(position, header, "name", f"{base.name}_{part}")
    return None


def _by_template(index: _Index, text: str, position: int, header: str) -> Target | None:
    key = normalise(text)
    for pattern, q, lang in index.templates:
        m = pattern.match(key)
        if m:
            item = index.items.get(normalise(m.group(1)), m.group(1))
            column = f"{q.name}_{clean_name(item)}"
            return Target(position, header, "label", column, language=lang, question=q)
    return None


def _option_by_label(index: _Index, header: str, position: int) -> Target | None:
    splits = [(header[:i], header[i + 1 :]) for i, ch in enumerate(header) if ch == "/"]
    bracket = _BRACKET.match(header)
    if bracket:
        splits.append((bracket.group(1), bracket.group(2)))
    for left, right in splits:
        q = _as_question(index, left.strip())
        if q is None or not q.is_multiple:
            continue
        option = index.option(q, right)
        if option is not None:
            return _option_target(position, header, q, option)
    return None


def _label_candidates(index: _Index, header: str) -> list[tuple[Question, str]]:
    for tail in _tails(header):
        found = index.question_by_label(tail)
        if found:
            return found
    bracket = _BRACKET.match(header)
    if bracket:
        return index.question_by_label(bracket.group(2))
    return []


def _match_one(
    index: _Index, header: str, position: int, used: set[str], alt_label: str | None
) -> tuple[Target | None, list[tuple[Question, str]]]:
    """The target of one header, and the label candidates when the label was ambiguous."""
    for finder in (_option_by_name, _by_name):
        target = finder(index, header, position)
        if target is not None:
            return target, []
    texts = [header] + ([alt_label] if alt_label else [])
    for text in texts:
        target = _option_by_label(index, text, position)
        if target is not None:
            return target, []
        candidates = _label_candidates(index, text)
        if candidates:
            free = [c for c in candidates if c[0].name not in used] or candidates
            q, lang = free[0]
            target = Target(position, header, "label", q.name, language=lang, question=q)
            return target, (candidates if len(candidates) > 1 else [])
        target = _by_template(index, text, position, header)
        if target is not None:
            return target, []
    return None, []


def _role_metadata(target: Target) -> Target:
    q = target.question
    if q is None or q.role not in _ROLE_META or target.how not in ("name", "label"):
        return target
    return replace(target, how="metadata", meta=_ROLE_META[q.role], priority=0)


def _resolve_metadata(targets: list[Target]) -> list[Target]:
    """Give each canonical metadata column to its best claimant; others keep their fallback."""
    winners: dict[str, Target] = {}
    for t in targets:
        if t.meta and (t.meta not in winners or t.priority < winners[t.meta].priority):
            winners[t.meta] = t
    out = []
    for t in targets:
        if t.meta and winners.get(t.meta) is t:
            t = replace(t, column=t.meta)
        out.append(t)
    return out


def match_headers(
    headers: Sequence[str],
    instrument: Instrument | None,
    flavour: str,
    *,
    empty: Sequence[bool],
    file_labels: Mapping[int, str] | None = None,
) -> tuple[list[Target], list[tuple[str, str]]]:
    """Match every source header; return targets (file order) and warnings (pl, en).

    Parameters
    ----------
    headers : sequence of str
        Source headers, file order.
    instrument : Instrument or None
    flavour : str
        From :func:`detect_flavour`; decides which metadata names count.
    empty : sequence of bool
        Whether each column holds no value at all (separator columns).
    file_labels : mapping position -> str, optional
        Variable labels from the file (SPSS), tried when the name matches nothing.

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> targets, _ = match_headers(
    ...     ["metryczka/sex", "Wiek", "needs/transport", "_uuid", "", "Uwagi"], ins, "kobo",
    ...     empty=[False, False, False, False, True, False])
    >>> [(t.column, t.how) for t in targets]  # doctest: +NORMALIZE_WHITESPACE
    [('sex', 'name'), ('age_band', 'label'), ('needs__transport', 'option'),
     ('respondent_id', 'metadata'), (None, 'dropped'), ('uwagi', 'unmatched')]
    """
    index = _Index.of(instrument) if instrument is not None else None
    labels = file_labels or {}
    targets: list[Target] = []
    notes: list[tuple[str, str]] = []
    used: set[str] = set()
    for i, header in enumerate(headers):
        text = str(header).strip()
        target: Target | None = None
        if not text and empty[i]:
            target = Target(i, header, "dropped", None)
        if target is None:
            target = _metadata(text, i, flavour)
        if target is None and index is not None and text:
            target, ambiguous = _match_one(index, text, i, used, labels.get(i))
            if ambiguous:
                names = ", ".join(q.name for q, _ in ambiguous)
                notes.append(
                    (
                        f"Nagłówek „{text}” pasuje do kilku pytań ({names}); przypisano go do "
                        f"'{target.column}' według kolejności w formularzu.",
                        f"The header '{text}' matches several questions ({names}); it was given "
                        f"to '{target.column}' by form order.",
                    )
                )
        if target is None and normalise(text) in _GENERIC_ID:
            meta, priority, fallback = _GENERIC_ID[normalise(text)]
            target = Target(i, header, "metadata", fallback, meta=meta, priority=priority)
        if target is None:
            how: MatchHow = "cleaned" if index is None else "unmatched"
            target = Target(i, header, how, clean_name(text) or f"column_{i + 1}")
        if target.question is not None:
            target = _role_metadata(target)
        if target.column:
            used.add(target.column)
            if target.question is not None:
                used.add(target.question.name)
        targets.append(target)
    return _resolve_metadata(targets), notes
