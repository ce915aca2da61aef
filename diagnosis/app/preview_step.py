"""Step 3: a first look at the results: who answered against the population, and the top needs.

The numbers come from :func:`diagnosis.evidence.analyse_town` (the same
analysis as the report, with disclosure control applied), the charts from
:mod:`diagnosis.present.figures`; nothing hidden by disclosure control is shown.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..evidence import TownAnalysis, analyse_town
from ..present import figure_svg, format_interval, format_number, needs_ranking, pyramid
from .markup import escape, figure_html, notice
from .session import Event, Session
from .steps import Step, guarded

__all__ = ["TOP_NEEDS", "PreviewStep", "top_needs"]

#: needs shown in the preview chart
TOP_NEEDS = 6


def top_needs(analysis: TownAnalysis, lang: str) -> pd.DataFrame:
    """The needs with their survey share, disclosure flags and labels in ``lang``.

    Returns
    -------
    DataFrame
        ``rank_needs`` columns plus ``suppressed`` and ``label``, largest share first.
    """
    total = analysis.indicators[analysis.indicators["group"] == "total"]
    flags = total[["indicator", "suppressed"]].assign(
        need=lambda d: d["indicator"].str.removeprefix("needs__")
    )
    needs = analysis.needs.merge(flags[["need", "suppressed"]], on="need", how="left")
    needs = needs.assign(
        label=needs[f"label_{lang}"], suppressed=needs["suppressed"].fillna(True).astype(bool)
    )
    return needs.sort_values("share", ascending=False, na_position="last", kind="stable")


class PreviewStep(Step):
    """Key results of the chosen town.

    Attributes
    ----------
    analysis : TownAnalysis or None
        The last analysis (cleared when the town or its data change).
    """

    title_key = "s3_title"
    name = "preview"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = widgets.HTML()
        self.button = widgets.Button(
            button_style="primary", icon="bar-chart", layout=widgets.Layout(width="fit-content")
        )
        self.button.add_class("dg-preview")
        self.button.on_click(lambda _: self.show_results())
        self.results = widgets.HTML()
        self.results.add_class("dg-results")
        self.analysis: TownAnalysis | None = None
        self.body.children = [self.intro, self.button, self.results]
        self.relabel()
        self.update("town")

    def relabel(self) -> None:
        """Labels, and the results drawn again, in the current language."""
        super().relabel()
        self.intro.value = escape(self.t("preview_intro"))
        self.button.description = self.t("preview")
        self._draw()

    def update(self, event: Event) -> None:
        """A new town or new data: the old results no longer hold."""
        self.analysis = None
        self.results.value = ""
        self.button.disabled = self.session.town is None
        if self.session.town is None:
            self.say("info", "need_town")
        else:
            self.clear()

    @guarded
    def show_results(self) -> None:
        """Analyse the town and draw the key results."""
        if self.session.town is None:
            self.say("info", "need_town")
            return
        self.results.value = ""
        self.show("busy", lambda lang: escape(self.t("preview") + "…"))
        self.analysis = analyse_town(self.session.town, lang=self.lang)
        self.clear()
        self._draw()

    def _draw(self) -> None:
        a = self.analysis
        if a is None:
            return
        lang = self.lang
        w = a.weighting
        numbers = self.t(
            "key_numbers",
            n=format_number(a.n, lang, 0),
            population=format_number(w.population, lang, 0),
            moe=format_number(w.margin_of_error, lang, 1),
        )
        profile = a.profile
        parts = [notice("info", numbers)]
        if "sex" in profile:  # GUS figures for both sexes together give no pyramid
            ages = {c.name: c.label(lang) for c in a.instrument.question("age_band").choices}
            fig = pyramid(
                profile.rename(columns={"sample_n": "n"}),
                profile,
                age_order=list(ages),
                age_labels=ages,
                threshold=a.settings.threshold,
                sample_total=a.n,
                lang=lang,
            )
            parts.append(figure_html(figure_svg(fig), self.t("pyramid_caption")))
        needs = top_needs(a, lang)
        shown = needs[~needs["suppressed"] & needs["share"].notna()].head(3)
        if not shown.empty:
            items = "".join(
                f"<li><b>{escape(r.label)}</b>: "
                f"{escape(format_interval(r.share, r.ci_low, r.ci_high, lang, 0))}</li>"
                for r in shown.itertuples()
            )
            parts.append(f"<h3>{escape(self.t('top_needs'))}</h3><ol>{items}</ol>")
        fig = needs_ranking(
            needs, label="label", top=TOP_NEEDS, threshold=a.settings.threshold, lang=lang
        )
        parts.append(figure_html(figure_svg(fig), self.t("needs_caption")))
        parts.append(f'<div class="dg-muted">{escape(self.t("preview_note"))}</div>')
        self.results.value = "".join(parts)
