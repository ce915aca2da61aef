"""Where the app keeps towns and reports, how large an upload may be, which language it starts in.

One place resolves these (cookiecutter-data-science's ``config.py``). By default
the app works on the checkout's ``surveys/towns`` and writes reports to
``reports/``; ``diagnosis app --towns-dir ... --reports-dir ...`` (or the
environment variables below, which the command sets for the Voilà kernel) point
it elsewhere, so tests never touch the demo towns.

=========================  ===============================================
``DIAGNOSIS_TOWNS_DIR``    folder of town folders (default surveys/towns)
``DIAGNOSIS_REPORTS_DIR``  folder for reports (default reports/)
``DIAGNOSIS_LANG``         ``pl`` (default) or ``en``
``DIAGNOSIS_MAX_UPLOAD_MB`` largest upload in MB (default 20)
=========================  ===============================================

Examples
--------
>>> s = AppSettings.from_environment({"DIAGNOSIS_TOWNS_DIR": "/tmp/t", "DIAGNOSIS_LANG": "en"})
>>> s.towns_dir.name, s.lang, s.max_upload_bytes
('t', 'en', 20971520)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import Language
from ..report import REPORTS_DIR
from ..town import STANDARD_INSTRUMENT, TOWNS_DIR
from .errors import AppError

__all__ = ["DEFAULT_MAX_UPLOAD_MB", "AppSettings"]

#: the largest response file the app accepts by default, in MB
DEFAULT_MAX_UPLOAD_MB = 20

_ENV = {
    "towns_dir": "DIAGNOSIS_TOWNS_DIR",
    "reports_dir": "DIAGNOSIS_REPORTS_DIR",
    "lang": "DIAGNOSIS_LANG",
    "max_upload": "DIAGNOSIS_MAX_UPLOAD_MB",
}


@dataclass(frozen=True)
class AppSettings:
    """The app's places and limits.

    Attributes
    ----------
    towns_dir : Path
        Folder of town folders; new towns are created here.
    reports_dir : Path
        Reports go to ``<reports_dir>/<town>/``.
    max_upload_bytes : int
        Larger uploads are refused with a message.
    lang : {"pl", "en"}
        The language the app starts in.
    instrument : Path
        The questionnaire new towns use.
    """

    towns_dir: Path = TOWNS_DIR
    reports_dir: Path = REPORTS_DIR
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    lang: Language = "pl"
    instrument: Path = STANDARD_INSTRUMENT

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> AppSettings:
        """Settings from ``DIAGNOSIS_*`` environment variables (defaults where unset).

        Parameters
        ----------
        environ : mapping, optional
            Default ``os.environ``.

        Raises
        ------
        AppError
            When ``DIAGNOSIS_MAX_UPLOAD_MB`` is not a positive number.

        Examples
        --------
        >>> AppSettings.from_environment({}).towns_dir == TOWNS_DIR
        True
        """
        env = os.environ if environ is None else environ
        towns = env.get(_ENV["towns_dir"]) or None
        reports = env.get(_ENV["reports_dir"]) or None
        lang = "en" if (env.get(_ENV["lang"]) or "pl").lower().startswith("en") else "pl"
        raw = env.get(_ENV["max_upload"]) or str(DEFAULT_MAX_UPLOAD_MB)
        try:
            mb = float(raw)
        except ValueError:
            mb = -1.0
        if mb <= 0:
            raise AppError(
                pl=f"{_ENV['max_upload']} musi być dodatnią liczbą megabajtów (np. 20).",
                en=f"{_ENV['max_upload']} must be a positive number of megabytes (e.g. 20).",
                value=raw,
            )
        return cls(
            towns_dir=Path(towns).expanduser().resolve() if towns else TOWNS_DIR,
            reports_dir=Path(reports).expanduser().resolve() if reports else REPORTS_DIR,
            max_upload_bytes=int(mb * 1024 * 1024),
            lang=lang,
        )

    def environment(self) -> dict[str, str]:
        """These settings as ``DIAGNOSIS_*`` variables, for the process that runs the app.

        Examples
        --------
        >>> env = AppSettings(towns_dir=Path("/tmp/t")).environment()
        >>> env["DIAGNOSIS_TOWNS_DIR"], env["DIAGNOSIS_MAX_UPLOAD_MB"]
        ('/tmp/t', '20')
        """
        mb = self.max_upload_bytes / (1024 * 1024)
        return {
            _ENV["towns_dir"]: str(self.towns_dir),
            _ENV["reports_dir"]: str(self.reports_dir),
            _ENV["lang"]: self.lang,
            _ENV["max_upload"]: f"{mb:g}",
        }

    @property
    def max_upload_mb(self) -> float:
        """The upload limit in MB."""
        return self.max_upload_bytes / (1024 * 1024)
