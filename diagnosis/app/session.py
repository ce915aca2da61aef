"""What the steps of the app share: the settings, the language, the chosen town.

Steps listen to the session: when the town, its data or the language change,
each one updates itself. No widgets here.

Examples
--------
>>> seen = []
>>> s = Session(AppSettings())
>>> s.listen(seen.append)
>>> s.set_lang("en")
>>> s.lang, seen
('en', ['lang'])
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from ..errors import Language
from ..instrument import Instrument, load_instrument
from .settings import AppSettings

__all__ = ["Event", "Session"]

#: what changed: the language, the chosen town, or the town's files/configuration
Event = Literal["lang", "town", "data"]


class Session:
    """The state one browser tab works on.

    Parameters
    ----------
    settings : AppSettings
    """

    def __init__(self, settings: AppSettings) -> None:
        self.settings = settings
        self.lang: Language = settings.lang
        self.town: Path | None = None
        self._instrument: Instrument | None = None
        self._listeners: list[Callable[[Event], None]] = []

    @property
    def instrument(self) -> Instrument:
        """The questionnaire new towns use (read once)."""
        if self._instrument is None:
            self._instrument = load_instrument(self.settings.instrument)
        return self._instrument

    def listen(self, callback: Callable[[Event], None]) -> None:
        """Call ``callback(event)`` after every change."""
        self._listeners.append(callback)

    def _tell(self, event: Event) -> None:
        for callback in list(self._listeners):
            callback(event)

    def set_lang(self, lang: Language) -> None:
        """Switch the language of the whole app."""
        if lang not in ("pl", "en"):
            raise ValueError(f"lang must be 'pl' or 'en', not {lang!r}")
        if lang != self.lang:
            self.lang = lang
            self._tell("lang")

    def set_town(self, folder: str | Path) -> None:
        """Work on the town in ``folder`` from now on."""
        self.town = Path(folder).resolve()
        self._tell("town")

    def data_changed(self) -> None:
        """The chosen town's files or configuration changed."""
        self._tell("data")
