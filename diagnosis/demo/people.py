"""Simulate one town's respondents as a canonical frame (see :mod:`diagnosis.read.frame`).

The model is simple but keeps the features a diagnosis must cope with:

* who answers: a quota-like draw from the town's population by age band x sex in
  which women 60+ are over-represented about twofold and young men
  under-represented, so unweighted estimates are biased and weighting matters;
* what the town needs: each town has 2-3 pressing services (high importance, low
  satisfaction, often chosen among the top-3 needs) and one pressing non-service
  need (jobs, roads, childcare or housing);
* how answers hang together: a latent "social" score drives trust, the cohesion
  battery (``coh_self`` reverse-keyed), influence and participation; a latent
  "content" score drives satisfaction and ``life_in_town``; internet skills fall
  with age and rise with education and are asked only of internet users;
* item non-response: "Trudno powiedzieć" (code 99) and blanks, far more often for
  satisfaction with services the respondent does not use (youth offer among
  pensioners, senior offer among the young, digital support among non-users);
* problems to find: 1-3 straight-liners per town who also finish implausibly
  fast, and about 2% other speeders.

Examples
--------
>>> from diagnosis.demo.towns import demo_town
>>> profile = town_profile(demo_town("sopot"), seed=2026)
>>> 150 <= profile.n <= 1200
True
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
import zlib
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .personal_data import PlantedItem, planted_items
from .texts import district_names, idea_text, problem_text
from .towns import DemoTown

__all__ = [
    "AGE_BANDS",
    "SEXES",
    "TownProfile",
    "WaveShift",
    "simulate",
    "town_profile",
    "town_rng",
]

AGE_BANDS = ("18_29", "30_44", "45_59", "60_plus")
SEXES = ("female", "male")
SERVICES = (
    "transport",
    "culture",
    "seniors",
    "youth",
    "digital",
    "green",
    "safety",
    "health",
    "information",
    "meeting",
)
EXTRA_NEEDS = ("jobs", "roads", "childcare", "housing")
NEEDS = SERVICES + EXTRA_NEEDS
COHESION = ("coh_belong", "coh_together", "coh_get_on", "coh_trust", "coh_self")
PARTICIPATION = ("part_volunteer", "part_consultation", "part_petition", "part_event")
SKILLS = ("email", "search", "banking", "eoffice", "videocall", "documents")
DISTRICTS = ("centrum", "osiedle_a", "osiedle_b", "osiedle_c", "obrzeza")

_STREAMS = {"profile": 1, "people": 2, "texts": 3, "personal": 4, "workshop": 5, "assets": 6}

#: over-representation in the sample by age band (female, male): who answers surveys
_RESPONSE = {
    "female": (0.9, 1.2, 1.4, 2.6),
    "male": (0.45, 0.6, 0.8, 1.1),
}


def town_rng(seed: int, slug: str, stream: str, wave: int = 1) -> np.random.Generator:
    """An independent generator for one part (``stream``) of one town.

    Keyed on the town's slug, not its position, so one town generated alone
    gives the same files as when all are generated; keyed on the stream so that,
    e.g., the planted personal data can be listed without simulating everyone;
    a later ``wave`` gets streams of its own (new people, same town).
    """
    key = [seed, zlib.crc32(slug.encode()), _STREAMS[stream]]
    return np.random.default_rng(key if wave == 1 else [*key, wave])


@dataclass(frozen=True)
class WaveShift:
    """How a follow-up wave differs from the diagnosis wave (all zero: no change).

    Attributes
    ----------
    life : float
        Added to the latent 0-10 "how good is life in the town" before rounding
        (the mean of ``life_in_town`` moves by this much, a little less at the
        top of the scale, where 10 cannot rise).
    event : float
        Added to each respondent's probability of having taken part in a local
        event (``part_event``); the population share rises by exactly this much.
    """

    life: float = 0.0
    event: float = 0.0


@dataclass(frozen=True)
class TownProfile:
    """What makes a demo town different from the others (drawn once per town and seed)."""

    n: int
    margins: tuple[tuple[str, str, int], ...]
    fieldwork_start: dt.date
    fieldwork_end: dt.date
    districts: dict[str, str]
    district_weights: tuple[float, ...]
    pressing: tuple[str, ...]
    trust_mean: float
    cohesion_shift: float
    content_shift: float
    library_shift: float
    internet_shift: float

    @property
    def adults(self) -> int:
        """Residents 18+ (the sum of the margins)."""
        return sum(c[2] for c in self.margins)


def _margins(rng: np.random.Generator, population: int) -> tuple[tuple[str, str, int], ...]:
    adults = population * rng.uniform(0.81, 0.86)
    age = rng.dirichlet(np.array([0.155, 0.265, 0.225, 0.355]) * 400)
    female = np.array([0.49, 0.495, 0.51, 0.585]) + rng.normal(0, 0.008, size=4)
    cells = []
    for i, band in enumerate(AGE_BANDS):
        for sex, share in (("female", female[i]), ("male", 1 - female[i])):
            cells.append((band, sex, round(adults * age[i] * share / 10) * 10))
    return tuple(cells)


def town_profile(town: DemoTown, seed: int = 2026) -> TownProfile:
    """Draw the town's sample size, margins, fieldwork, districts and needs profile."""
    rng = town_rng(seed, town.slug, "profile")
    n = int(np.clip(120 + town.population * rng.uniform(0.002, 0.016), 150, 1200))
    margins = _margins(rng, town.population)
    start = dt.date(2026, 2, 2) + dt.timedelta(days=int(rng.integers(0, 56)))
    end = min(start + dt.timedelta(days=int(rng.integers(21, 50))), dt.date(2026, 5, 29))
    districts = district_names(rng)
    weights = rng.dirichlet([6, 5, 5, 4, 5])
    service_weights = np.array([3, 2, 2, 3, 2, 2, 2, 3, 1, 2], dtype=float)
    k = int(rng.integers(2, 4))
    pressing = [
        SERVICES[int(i)]
        for i in rng.choice(
            len(SERVICES), size=k, replace=False, p=service_weights / service_weights.sum()
        )
    ]
    pressing.append(EXTRA_NEEDS[int(rng.integers(len(EXTRA_NEEDS)))])
    return TownProfile(
        n=n,
        margins=margins,
        fieldwork_start=start,
        fieldwork_end=end,
        districts=districts,
        district_weights=tuple(float(w) for w in weights),
        pressing=tuple(pressing),
        trust_mean=float(rng.uniform(3.9, 5.9)),
        cohesion_shift=float(rng.normal(0, 0.25)),
        content_shift=float(rng.normal(0, 0.3)),
        library_shift=float(rng.normal(0, 0.35)),
        internet_shift=float(rng.normal(0, 0.3)),
    )


def _allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to ``total`` closest to ``total * shares`` (largest remainder)."""
    raw = total * shares / shares.sum()
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _cut(value: float, low: int, high: int) -> str:
    """Round a latent score to an answer code between ``low`` and ``high``."""
    return str(min(max(round(value), low), high))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class _Draws:
    """Random numbers for one respondent, drawn in one block (scalar draws are slow)."""

    def __init__(self, uniform: list[float], normal: list[float]) -> None:
        self._u = iter(uniform)
        self._z = iter(normal)

    def u(self) -> float:
        return next(self._u)

    def z(self, mean: float = 0.0, sd: float = 1.0) -> float:
        return mean + sd * next(self._z)

    def choose(self, options: tuple[str, ...], p: tuple[float, ...]) -> str:
        """One of ``options`` with probabilities proportional to ``p``."""
        target = self.u() * sum(p)
        total = 0.0
        for option, weight in zip(options, p, strict=True):
            total += weight
            if target < total:
                return option
        return options[-1]

    def sample(self, options: tuple[str, ...], weights: list[float], k: int) -> tuple[str, ...]:
        """``k`` distinct options, drawn one by one with probability proportional to weight."""
        keys = sorted((-math.log(1.0 - self.u()) / w, i) for i, w in enumerate(weights) if w > 0)
        return tuple(options[i] for _, i in keys[:k])


_EDUCATION = ("primary", "vocational", "secondary", "higher")
_EDU_P = {
    "18_29": (0.08, 0.10, 0.47, 0.35),
    "30_44": (0.05, 0.20, 0.35, 0.40),
    "45_59": (0.07, 0.30, 0.38, 0.25),
    "60_plus": (0.17, 0.35, 0.33, 0.15),
}
_EMPLOYMENT = ("employed", "self_employed", "unemployed", "retired", "student", "home", "other")
_EMP_P = {
    "18_29": (0.45, 0.05, 0.08, 0.0, 0.35, 0.05, 0.02),
    "30_44": (0.67, 0.12, 0.06, 0.01, 0.02, 0.10, 0.02),
    "45_59": (0.64, 0.12, 0.07, 0.09, 0.0, 0.06, 0.02),
    "60_plus": (0.12, 0.04, 0.01, 0.80, 0.0, 0.02, 0.01),
}
_YEARS = ("lt5", "5_14", "15_plus", "always")
_YEARS_P = {
    "18_29": (0.15, 0.15, 0.20, 0.50),
    "30_44": (0.15, 0.25, 0.25, 0.35),
    "45_59": (0.07, 0.15, 0.38, 0.40),
    "60_plus": (0.04, 0.08, 0.45, 0.43),
}
_IMPORTANCE = {
    "transport": 3.0,
    "culture": 2.8,
    "seniors": 2.7,
    "youth": 2.8,
    "digital": 2.5,
    "green": 3.1,
    "safety": 3.5,
    "health": 3.6,
    "information": 2.7,
    "meeting": 2.5,
}
_SATISFACTION = {
    "transport": 2.9,
    "culture": 3.2,
    "seniors": 3.0,
    "youth": 2.8,
    "digital": 3.2,
    "green": 3.5,
    "safety": 3.4,
    "health": 2.6,
    "information": 3.3,
    "meeting": 3.0,
}
_NEED_WEIGHT = {
    "transport": 1.0,
    "culture": 0.8,
    "seniors": 0.9,
    "youth": 1.0,
    "digital": 0.5,
    "green": 0.8,
    "safety": 0.9,
    "health": 1.5,
    "information": 0.5,
    "meeting": 0.7,
    "jobs": 1.3,
    "roads": 1.1,
    "childcare": 0.6,
    "housing": 0.7,
}
_SKILL_WEIGHT = [0.9, 1.0, 0.7, 0.5, 0.85, 0.4]
_AGE_SKILLS = {"18_29": 4.6, "30_44": 4.2, "45_59": 3.2, "60_plus": 2.1}
_AGE_INTERNET = {"18_29": 3.8, "30_44": 3.0, "45_59": 1.8, "60_plus": 0.35}


def _uses(service: str, age: str, internet: str | None, d: _Draws) -> bool:
    """Whether the respondent uses (so can judge) a service."""
    p = {
        "seniors": {"60_plus": 0.8, "45_59": 0.3}.get(age, 0.1),
        "youth": {"18_29": 0.7, "30_44": 0.45, "45_59": 0.3}.get(age, 0.08),
        "digital": 0.55 if internet == "1" else 0.12,
        "transport": 0.65 if age in ("18_29", "60_plus") else 0.45,
        "culture": 0.6,
        "meeting": 0.6,
        "information": 0.8,
        "green": 0.85,
        "health": 0.9,
        "safety": 0.95,
    }[service]
    return d.u() < p


def _timestamps(
    rng: np.random.Generator, profile: TownProfile, n: int, mode: str
) -> list[dt.datetime]:
    days = (profile.fieldwork_end - profile.fieldwork_start).days + 1
    d = np.arange(days)
    weekday = np.array([(profile.fieldwork_start + dt.timedelta(days=int(i))).weekday() for i in d])
    w = 1 + 2.5 * np.exp(-d / 5) + 1.2 * np.exp(-((d - days * 0.6) ** 2) / 8)
    if mode == "face_to_face":
        w = w * np.where(weekday == 6, 0.1, 1.0)
    out = []
    for day in rng.choice(days, size=n, p=w / w.sum()):
        if mode == "face_to_face":
            minute = rng.uniform(9 * 60, 18 * 60)
        else:
            minute = rng.normal(12.5 * 60, 120) if rng.random() < 0.45 else rng.normal(20 * 60, 100)
            minute = float(np.clip(minute, 6 * 60, 23.9 * 60))
        base = dt.datetime.combine(profile.fieldwork_start + dt.timedelta(days=int(day)), dt.time())
        out.append(base + dt.timedelta(seconds=round(minute * 60)))
    return out


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def simulate(
    town: DemoTown, seed: int = 2026, wave: int = 1, shift: WaveShift | None = None
) -> tuple[pd.DataFrame, TownProfile]:
    """Simulate the town's respondents.

    ``wave`` > 1 draws new respondents from the same town a year later per
    wave, with the population changed by ``shift``.

    Returns
    -------
    frame : DataFrame
        The canonical frame the town's file encodes: codes as strings,
        ``needs__*``/``skills__*`` as 0/1 ``Int8`` (NA = not answered),
        ``trust``/``life_in_town`` as ``Int64``, empty answers as NA, ``start``
        and ``end`` in local time (Europe/Warsaw, naive), plus ``respondent_id``
        and ``submitted_at`` (UTC, naive); rows in order of submission.
    profile : TownProfile

    Examples
    --------
    >>> from diagnosis.demo.towns import demo_town
    >>> frame, profile = simulate(demo_town("leczyca"))
    >>> len(frame) == profile.n
    True
    """
    profile = town_profile(town, seed)
    if wave > 1:
        later = dt.timedelta(days=364 * (wave - 1))
        profile = replace(
            profile,
            fieldwork_start=profile.fieldwork_start + later,
            fieldwork_end=profile.fieldwork_end + later,
        )
    shift = shift or WaveShift()
    rng = town_rng(seed, town.slug, "people", wave)
    text_rng = town_rng(seed, town.slug, "texts", wave)
    n = profile.n

    pop = np.array([c[2] for c in profile.margins], dtype=float)
    factors = np.array([_RESPONSE[sex][AGE_BANDS.index(band)] for band, sex, _ in profile.margins])
    factors = factors * np.exp(rng.normal(0, 0.08, size=len(factors)))
    counts = _allocate(n, pop / pop.sum() * factors)
    cells = [(band, sex) for band, sex, _ in profile.margins]
    who = [cells[i] for i, c in enumerate(counts) for _ in range(c)]
    who = [who[int(i)] for i in rng.permutation(n)]

    mode = "face_to_face" if town.format in ("kobo_csv", "spss_sav") else "self"
    starts = _timestamps(rng, profile, n, mode)
    straight = {int(i) for i in rng.choice(n, size=int(rng.integers(1, 4)), replace=False)}
    estates = [v.removeprefix("Osiedle ") for k, v in profile.districts.items() if k != "centrum"]
    estates = estates[:3]
    uniforms = rng.random((n, 160)).tolist()
    normals = rng.standard_normal((n, 40)).tolist()
    ids = [_uuid(rng) for _ in range(n)]

    rows = [
        _respondent(
            _Draws(uniforms[i], normals[i]), profile, age, sex, straight=i in straight, change=shift
        )
        | {"respondent_id": ids[i], "start": starts[i]}
        for i, (age, sex) in enumerate(who)
    ]
    for r in rows:
        chosen = tuple(x for x in NEEDS if r[f"needs__{x}"] == 1)
        estate = estates[int(text_rng.integers(len(estates)))]
        r["problem"] = problem_text(text_rng, chosen, town.locative, estate)
        r["idea"] = idea_text(text_rng, chosen, town.locative, estate)
    items = planted_items(town_rng(seed, town.slug, "personal"), town.area_code)
    _plant(text_rng, rows, items)
    for r in rows:
        r["end"] = r["start"] + dt.timedelta(seconds=round(r.pop("minutes") * 60))
    rows.sort(key=lambda r: r["end"])
    return _frame(rows, rng), profile


def _respondent(
    d: _Draws, profile: TownProfile, age: str, sex: str, *, straight: bool, change: WaveShift
) -> dict:
    """One respondent's answers (codes), drawn from ``d``."""
    r: dict[str, object] = {"sex": sex, "age_band": age}
    old, young = age == "60_plus", age == "18_29"
    edu_p = _EDU_P[age]
    if sex == "female":
        edu_p = tuple(p + a for p, a in zip(edu_p, (-0.02, -0.04, 0.0, 0.06), strict=True))
    r["education"] = None if d.u() < 0.015 else d.choose(_EDUCATION, edu_p)
    r["employment"] = None if d.u() < 0.015 else d.choose(_EMPLOYMENT, _EMP_P[age])
    r["district"] = None if d.u() < 0.03 else d.choose(DISTRICTS, profile.district_weights)
    r["years_in_town"] = None if d.u() < 0.02 else d.choose(_YEARS, _YEARS_P[age])
    higher = r["education"] == "higher"
    low_edu = r["education"] in ("primary", "vocational")

    settled = r["years_in_town"] in ("15_plus", "always")
    social = d.z() + 0.25 * settled + 0.15 * old
    content = d.z(profile.content_shift, 0.6)

    p_net = _sigmoid(_AGE_INTERNET[age] + profile.internet_shift + 0.8 * higher - 0.6 * low_edu)
    internet = None if d.u() < 0.01 else ("1" if d.u() < p_net else "0")

    for s in SERVICES:
        imp = _IMPORTANCE[s] + 0.9 * (s in profile.pressing) + d.z(0, 0.75)
        imp += {"seniors": 0.7 * old, "youth": 0.4 * (age in ("18_29", "30_44"))}.get(s, 0)
        u = d.u()
        p_dk = 0.1 if s == "digital" and old else 0.03
        r[f"imp_{s}"] = None if u < 0.02 else "99" if u < 0.02 + p_dk else _cut(imp, 1, 4)
    for s in SERVICES:
        sat = _SATISFACTION[s] - 1.0 * (s in profile.pressing) + content + d.z(0, 0.8)
        p_na, p_dk = (0.02, 0.03) if _uses(s, age, internet, d) else (0.15, 0.4)
        u = d.u()
        r[f"sat_{s}"] = None if u < p_na else "99" if u < p_na + p_dk else _cut(sat, 1, 5)

    # needs: up to three, pulled towards the town's pressing needs and the person's situation
    personal = {
        "seniors": 2.5 * old + 0.5,
        "youth": 1.8 - old,
        "childcare": 2.0 * (age == "30_44") + 0.4,
        "jobs": 1.6 if (young or r["employment"] == "unemployed") else 0.8,
        "housing": 1.8 if young else 0.8,
    }
    weights = [
        _NEED_WEIGHT[x] * (4.0 if x in profile.pressing else 1.0) * personal.get(x, 1.0)
        for x in NEEDS
    ]
    k = int(d.choose(("0", "1", "2", "3"), (0.03, 0.15, 0.27, 0.55)))
    chosen = d.sample(NEEDS, weights, k)
    for x in NEEDS:
        r[f"needs__{x}"] = int(x in chosen) if k else None

    trust = profile.trust_mean + 1.1 * social + d.z(0, 1.7)
    r["trust"] = None if d.u() < 0.03 else min(max(round(trust), 0), 10)
    coh = 2.75 + profile.cohesion_shift + 0.55 * social
    for item, shift in zip(COHESION, (0.25, 0.0, 0.1, -0.15, 0.0), strict=True):
        # coh_self is reverse-keyed: those who feel they belong disagree with it
        value = (5.1 - coh if item == "coh_self" else coh + shift) + d.z(0, 0.6)
        u = d.u()
        r[item] = None if u < 0.015 else "99" if u < 0.055 else _cut(value, 1, 4)
    influence = 1.9 + 0.35 * social + 0.2 * higher + d.z(0, 0.75)
    u = d.u()
    r["influence"] = None if u < 0.02 else "99" if u < 0.16 else _cut(influence, 1, 4)
    for item, base in zip(PARTICIPATION, (-1.5, -2.3, -1.6, -2.0), strict=True):
        p = _sigmoid(base + 0.5 * social + 0.4 * higher)
        p += change.event if item == "part_event" else 0.0
        r[item] = None if d.u() < 0.02 else ("1" if d.u() < p else "0")

    p_lib = _sigmoid(
        -0.6
        + profile.library_shift
        + 0.4 * (sex == "female")
        + 0.5 * higher
        + 0.35 * young
        + 0.2 * old
        - 0.3 * low_edu
    )
    visit = None if d.u() < 0.01 else ("1" if d.u() < p_lib else "0")
    r["library_visit"] = visit
    r["library_frequency"] = None
    if visit == "1" and d.u() > 0.02:
        freq_p = (0.3, 0.4, 0.3) if old else (0.15, 0.4, 0.45)
        r["library_frequency"] = d.choose(("weekly", "monthly", "rarely"), freq_p)
    books_p = (0.05, 0.25, 0.35, 0.35) if visit == "1" else (0.45, 0.3, 0.17, 0.08)
    r["books_read"] = None if d.u() < 0.02 else d.choose(("0", "1_2", "3_6", "7_plus"), books_p)
    r["internet_use"] = internet
    done: tuple[str, ...] | None = None
    if internet == "1" and d.u() > 0.02:
        mean = _AGE_SKILLS[age] + 0.7 * higher - 0.8 * low_edu
        m = min(max(round(d.z(mean, 1.1)), 1), 6)
        done = d.sample(SKILLS, _SKILL_WEIGHT, m)
    for skill in SKILLS:
        r[f"skills__{skill}"] = None if done is None else int(skill in done)
    life = 5.9 + 1.6 * content + 0.3 * social + d.z(0, 1.3) + change.life
    r["life_in_town"] = None if d.u() < 0.02 else min(max(round(life), 0), 10)

    minutes = min(max(math.exp(d.z(math.log(14), 0.35)), 6.0), 55.0)
    if straight:
        value = _cut(2.5 + 1.9 * d.u(), 2, 4)
        for s in SERVICES:
            r[f"imp_{s}"] = r[f"sat_{s}"] = value
        for item in COHESION:
            r[item] = value
        minutes = 1.5 + 2.0 * d.u()
    elif d.u() < 0.02:
        minutes = 2.0 + 2.0 * d.u()
    r["minutes"] = minutes
    return r


def _plant(rng: np.random.Generator, rows: list[dict], items: list[PlantedItem]) -> None:
    """Put each planted sentence into a different respondent's answer."""
    hosts = rng.choice(len(rows), size=len(items), replace=False)
    for host, item in zip(hosts, items, strict=True):
        rows[int(host)][item.field] = item.sentence


def _frame(rows: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    columns = [
        "respondent_id",
        "submitted_at",
        "start",
        "end",
        "sex",
        "age_band",
        "education",
        "employment",
        "district",
        "years_in_town",
    ]
    columns += [f"imp_{s}" for s in SERVICES] + [f"sat_{s}" for s in SERVICES]
    columns += [f"needs__{x}" for x in NEEDS] + ["trust", *COHESION, "influence", *PARTICIPATION]
    columns += ["library_visit", "library_frequency", "books_read", "internet_use"]
    columns += [f"skills__{s}" for s in SKILLS] + ["life_in_town", "problem", "idea"]
    for r in rows:
        # Kobo's server clock is UTC; the upload follows the end within minutes
        r["submitted_at"] = _to_utc(r["end"]) + dt.timedelta(seconds=int(rng.integers(3, 900)))
    frame = pd.DataFrame(rows, columns=columns).replace({"problem": {"": None}, "idea": {"": None}})
    for col in columns:
        if col.startswith(("needs__", "skills__")):
            frame[col] = frame[col].astype("Int8")
        elif col in ("trust", "life_in_town"):
            frame[col] = frame[col].astype("Int64")
        elif col in ("start", "end", "submitted_at"):
            frame[col] = pd.to_datetime(frame[col])
        else:
            frame[col] = frame[col].astype("string")
    return frame


def warsaw_offset(local: dt.datetime) -> dt.timedelta:
    """UTC offset of Polish local time: +2 h from the last Sunday of March to that of October."""

    def last_sunday(month: int) -> dt.datetime:
        day = dt.datetime(local.year, month, 31, 2)
        return day - dt.timedelta(days=(day.weekday() + 1) % 7)

    summer = last_sunday(3) <= local < last_sunday(10)
    return dt.timedelta(hours=2 if summer else 1)


def _to_utc(local: dt.datetime) -> dt.datetime:
    return local - warsaw_offset(local)
