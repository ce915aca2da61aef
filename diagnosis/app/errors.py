"""What the app cannot do as asked: a wrong file, a name already taken, a file already there.

These are :class:`~diagnosis.errors.DiagnosisError` like every other input
error, so the app shows them the same way: one located message in Polish or
English (``err.message(lang)``).

Examples
--------
>>> err = UploadConflict(pl="Plik już jest.", en="The file is already there.", file="a.csv")
>>> isinstance(err, AppError), err.message("en")
(True, 'a.csv: The file is already there.')
"""

from __future__ import annotations

from ..errors import DiagnosisError

__all__ = ["AppError", "UploadConflict"]


class AppError(DiagnosisError):
    """A request made in the app cannot be carried out (wrong file, name taken ...)."""


class UploadConflict(AppError):
    """Saving an upload would overwrite a file of the town: it needs the user's confirmation."""
