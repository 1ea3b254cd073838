"""Offline plots: PNG rendering with vl-convert, the offline HTML template for `dvc plots show`, DVC's errors."""

import pytest

from playlistrec.plots import PlotsError, plot_specs, render_png, write_offline_template, write_pngs

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"k": "10", "inertia": "3.5", "rev": "workspace"}, {"k": "20", "inertia": "2", "rev": "a"}]},
    "mark": "line",
    "encoding": {"x": {"field": "k", "type": "quantitative"}, "y": {"field": "inertia", "type": "quantitative"}},
}


def test_a_spec_renders_to_png_without_a_network(tmp_path):
    assert render_png(SPEC).startswith(b"\x89PNG\r\n\x1a\n")
    assert write_pngs({"elbow": SPEC, "other": SPEC}, tmp_path / "out") == [
        tmp_path / "out" / "elbow.png",
        tmp_path / "out" / "other.png",
    ]


def test_the_offline_template_carries_vega_inline_and_dvcs_placeholders(tmp_path):
    write_offline_template(tmp_path / "offline.html")
    page = (tmp_path / "offline.html").read_text(encoding="utf-8")
    assert "{plot_divs}" in page and "{refresh_tag}" in page
    assert "<script src" not in page and "cdn." not in page.split("<script", 1)[0]
    assert len(page) > 500_000 and "vegaEmbed" in page  # Vega, Vega-Lite and Vega-Embed bundled


def test_no_plots_or_a_failing_dvc_is_one_line_naming_the_folder(tmp_path):
    with pytest.raises(PlotsError, match=rf"^no plots in {tmp_path}: run it in the pipeline folder after `dvc repro`$"):
        plot_specs(tmp_path)
    with pytest.raises(PlotsError, match=rf"^dvc plots diff no-such-rev failed in {tmp_path}: .+$"):
        plot_specs(tmp_path, ["no-such-rev"])
