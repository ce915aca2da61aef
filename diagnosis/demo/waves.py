"""Follow-up waves of the demo: eight towns surveyed again a year later.

Four of them ran an innovation between the waves (neighbourhood meeting
places with a calendar of local events); four ran none and serve as
comparison towns. Every follow-up town shares a common trend; the innovation
towns get a planted effect on top, of known size, which a
difference-in-differences analysis should recover:

==========================  ===========  =====================================
indicator                   trend        planted effect of the innovation
==========================  ===========  =====================================
``life_in_town`` (mean)     +0.3 points  +1.0 point on the 0-10 scale
``part_event`` (share)      +3 points    +15 percentage points
==========================  ===========  =====================================

(+1.0 on the latent scale before rounding; the mean rises a little less
because 10 cannot rise.)

Examples
--------
>>> sorted(t for t, innovation in FOLLOW_UPS.items() if innovation)
['jarocin', 'kwidzyn', 'lowicz', 'sopot']
>>> wave_shift("kwidzyn").event, wave_shift("krotoszyn").event
(0.18, 0.03)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .people import WaveShift

__all__ = [
    "FOLLOW_UPS",
    "INNOVATION_START",
    "PLANTED_EFFECT",
    "TREND",
    "wave_folder",
    "wave_shift",
]

_INNOVATION = (
    "Sąsiedzkie miejsca spotkań w bibliotece i na osiedlach, z miesięcznym kalendarzem "
    "wydarzeń lokalnych"
)
#: towns surveyed again a year later and the innovation each ran (None: comparison town)
FOLLOW_UPS: dict[str, str | None] = {
    "kwidzyn": _INNOVATION,
    "jarocin": _INNOVATION,
    "sopot": _INNOVATION,
    "lowicz": _INNOVATION,
    "krotoszyn": None,
    "swidnik": None,
    "brzeg": None,
    "zagan": None,
}
#: when the innovation towns started
INNOVATION_START = dt.date(2026, 9, 1)
#: the change every follow-up town shares
TREND = WaveShift(life=0.3, event=0.03)
#: the effect of the innovation, on top of the trend
PLANTED_EFFECT = WaveShift(life=1.0, event=0.15)


def wave_shift(slug: str) -> WaveShift:
    """How the follow-up wave of ``slug`` differs from its diagnosis (trend + effect).

    Raises
    ------
    KeyError
        When the town has no follow-up wave.
    """
    treated = FOLLOW_UPS[slug] is not None
    return WaveShift(
        life=TREND.life + treated * PLANTED_EFFECT.life,
        event=round(TREND.event + treated * PLANTED_EFFECT.event, 12),
    )


def wave_folder(folder: Path, wave: int = 2) -> Path:
    """Where a town's follow-up wave lives: ``<town>/wave<k>``."""
    return Path(folder) / f"wave{wave}"
