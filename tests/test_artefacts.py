"""Reading the pipeline's outputs back as the models' inputs (artefacts.py), on the toy pipeline."""

import pandas as pd
import toy_pipeline

from playlistrec import paths
from playlistrec.artefacts import CATALOGUE_COLUMNS, read_catalogue


def test_the_catalogue_holds_the_columns_the_models_read_and_leaves_the_rest_on_disk(tmp_path):
    toy_pipeline.write_artefacts(tmp_path, typed=False)  # tracks without albums, like a trimmed slice's
    assert list(read_catalogue(tmp_path).tracks.columns) == [c for c in CATALOGUE_COLUMNS if c != "album_uri"]
    file = tmp_path / paths.TRACKS
    full = pd.read_parquet(file).assign(album_uri="spotify:album:a", album_name="an album", duration_ms=1000)
    full.to_parquet(file)
    tracks = read_catalogue(tmp_path).tracks
    assert list(tracks.columns) == list(CATALOGUE_COLUMNS)
    assert tracks["album_uri"].eq("spotify:album:a").all()
