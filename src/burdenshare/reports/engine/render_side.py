"""Exporting a report's page in a child of the warm process, off the runner's own process.

The runner's process drives every report's kernel; exporting pages there too (nbconvert: about
0.1 s of CPU each) holds up the kernels waiting for their next cell. So after a report ran, the
runner writes the executed notebook to a private folder and asks the warm process's page
renderer (one child of the warm process serving every page of the run) to call
:func:`burdenshare.reports.site.pages.render_report` on it (:func:`render_to_folder`); the renderer
writes the page and its extra files there, then ``result.json`` listing them, which the runner
waits for. The warm process imports nbconvert while idle and renders one small notebook
(:func:`warm`), so the renderer starts with the templates compiled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULT = "result.json"


def render_to_folder(source: str, folder: str, stem: str, show_code: bool) -> None:
    """Render the notebook at ``source`` into ``folder``: ``<stem>.html``, the renderer's extra
    files, and last ``result.json`` with their names (or the error)."""
    import nbformat  # lazy: preloaded in the warm process

    from ..site.pages import render_report

    out = Path(folder)
    try:
        nb = nbformat.read(source, as_version=4)
        rendered = render_report(nb, stem=stem, show_code=show_code)
        files = {f"{stem}.html": rendered.html.encode("utf-8"), **rendered.files}
        for name, data in files.items():
            if "/" in name or name in (".", "..", RESULT):
                raise ValueError(f"the page renderer named a file {name!r}")
            (out / name).write_bytes(data)
        result = {"files": sorted(files)}
    except Exception as exc:  # reported to the runner, which renders the page itself
        result = {"error": f"{type(exc).__name__}: {exc}"}
    tmp = out / f".{RESULT}.tmp"
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, out / RESULT)


def read_result(folder: Path) -> dict[str, bytes]:
    """The files the page renderer wrote into ``folder`` (ValueError when it failed)."""
    result = json.loads((folder / RESULT).read_text(encoding="utf-8"))
    if "error" in result:
        raise ValueError(result["error"])
    return {name: (folder / name).read_bytes() for name in result["files"]}


def warm() -> None:
    """Render one small notebook in both modes (templates, filters and exporters loaded)."""
    import nbformat  # lazy: called in the warm process only

    from ..site.pages import render_report

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Warm-up\n\nText with *emphasis* and a [link](#)."),
            nbformat.v4.new_code_cell("1 + 1"),
        ]
    )
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": "2", "text/html": "<table><tr><td>2</td></tr></table>"},
            execution_count=1,
        )
    ]
    for show_code in (False, True):
        render_report(nb, stem="warm-up", show_code=show_code)
