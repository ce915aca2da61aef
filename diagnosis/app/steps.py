"""What every step of the app has: a title, a body, one message line, and safe handlers.

:class:`Step` is the frame; :func:`guarded` wraps every button and upload
handler so that an error becomes one readable message in the step (the
package's located ``DiagnosisError.message(lang)``) and never a traceback in
the page. Unexpected errors are written, with their traceback, to the console
that started the app (the process's real standard error), and the page says
only that it was not the user's fault.

The message is kept as a function of the language, so switching the language
rewrites it too. The message widget carries the CSS class ``dg-live``: on the
app's page (``diagnosis app``, :func:`diagnosis.app.server.voila_template`)
that makes the widget's own element a live region (``role="status"``,
``aria-live="polite"``, ``"assertive"`` while it shows an error) which stays
in the page while its content changes, so a screen reader reads out what a
button or an upload did. A region written anew with each message would not be
announced reliably.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets

from ..errors import DiagnosisError, Language
from .markup import Kind, error_text, escape, notice
from .session import Event, Session
from .texts import say

__all__ = ["Step", "guarded"]

F = TypeVar("F", bound=Callable[..., Any])


class Step:
    """One numbered step: override :meth:`relabel` and :meth:`update`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The step as shown (CSS classes ``dg-step`` and ``dg-step-<name>``).
    message : ipywidgets.HTML
        The step's one message line (CSS class ``dg-message``).
    """

    title_key = ""
    name = "step"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.title = widgets.HTML()
        self.message = widgets.HTML()
        self.message.add_class("dg-message")
        self.message.add_class("dg-live")
        self.body = widgets.VBox()
        self.widget = widgets.VBox([self.title, self.body, self.message])
        self.widget.add_class("dg-step")
        self.widget.add_class(f"dg-step-{self.name}")
        self._message: Callable[[Language], str] | None = None
        session.listen(self._on_event)

    @property
    def lang(self) -> Language:
        """The app's current language."""
        return self.session.lang

    def t(self, key: str, **values: object) -> str:
        """A text of the app in the current language."""
        return say(self.lang, key, **values)

    def _on_event(self, event: Event) -> None:
        if event == "lang":
            self.relabel()
            self._render_message()
        else:
            self.update(event)

    def relabel(self) -> None:
        """Put every label in the current language (override, call ``super()``)."""
        self.title.value = f"<h2>{escape(self.t(self.title_key))}</h2>"

    def update(self, event: Event) -> None:
        """React to a new town or changed data (override)."""

    def say(self, kind: Kind, key: str, *, html: bool = False, **values: object) -> None:
        """Show the text ``key`` as the step's message (values are escaped unless ``html``)."""
        shown = values if html else {k: escape(v) for k, v in values.items()}
        self.show(kind, lambda lang: say(lang, key, **shown))

    def show(self, kind: Kind, text: Callable[[Language], str]) -> None:
        """Show ``text(lang)`` (HTML) as the step's message."""
        self._message = lambda lang: notice(kind, text(lang))
        self._render_message()

    def show_error(self, exc: BaseException) -> None:
        """Show an error as one readable message."""
        self._message = lambda lang: notice("error", escape(error_text(exc, lang)))
        self._render_message()

    def clear(self) -> None:
        """No message."""
        self._message = None
        self._render_message()

    def _render_message(self) -> None:
        self.message.value = "" if self._message is None else self._message(self.lang)


def guarded(method: F) -> F:
    """Wrap a step's handler: any error becomes the step's message, never a traceback.

    Examples
    --------
    >>> from diagnosis.app.settings import AppSettings
    >>> from diagnosis.errors import ReadError
    >>> class Demo(Step):
    ...     title_key = "s2_title"
    ...     @guarded
    ...     def go(self):
    ...         raise ReadError(pl="Zły plik.", en="Bad file.", file="a.csv")
    >>> step = Demo(Session(AppSettings()))
    >>> step.go()
    >>> "a.csv: Zły plik." in step.message.value
    True
    """

    @functools.wraps(method)
    def run(self: Step, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # every error is shown, none escapes into the page
            if not isinstance(exc, DiagnosisError) and sys.__stderr__ is not None:
                print(f"diagnosis app: error in {method.__qualname__}", file=sys.__stderr__)
                traceback.print_exc(file=sys.__stderr__)
            self.show_error(exc)
            return None

    return run  # type: ignore[return-value]
