"""The town report: template notebook -> executed notebook -> HTML -> PDF, plus evidence files.

The names below are imported on first use (PEP 562): ``diagnosis report`` prints its
first progress line before the analysis libraries (matplotlib, scipy, statsmodels),
papermill or WeasyPrint are imported, and only what a step needs is imported then.
"""

from importlib import import_module

#: where each public name lives
_WHERE = {
    "notebook_html": "document",
    "standalone_html": "document",
    "write_pdf": "document",
    "REPORTS_DIR": "render",
    "TEMPLATE": "render",
    "ReportFiles": "render",
    "render_town": "render",
    "SECTIONS": "town_report",
    "TownReport": "town_report",
}

__all__ = [
    "REPORTS_DIR",
    "SECTIONS",
    "TEMPLATE",
    "ReportFiles",
    "TownReport",
    "notebook_html",
    "render_town",
    "standalone_html",
    "write_pdf",
]


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
