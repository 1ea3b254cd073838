"""The model registry: names to models, hyper-parameters to constructors, and models fitted on a pipeline folder."""

import pytest
import toy_pipeline

from playlistrec.artefacts import load_pipeline
from playlistrec.recommenders.blend import BlendRecommender
from playlistrec.recommenders.data import Queries, UnknownTrackError
from playlistrec.recommenders.registry import MODELS, load_recommenders, make_models
from playlistrec.recommenders.title import ReportRecommender, TitleRecommender

HYPER = {"top_m": 7, "sim_power": 3, "title_tracks": 300, "alpha": 0.5, "blend_lambda": 0.1, "unused": 1}


def test_every_model_gets_the_hyper_parameters_its_constructor_names():
    models = make_models(MODELS, HYPER)
    assert list(models) == list(MODELS)
    title, blend, report = models["title_finetuned"], models["blend"], models["report"]
    assert isinstance(title, TitleRecommender) and (title.encoder, title.top_m, title.sim_power) == ("finetuned", 7, 3)
    assert models["title_pretrained"].encoder == "pretrained" and models["exact_title"].title_tracks == 300
    assert isinstance(report, ReportRecommender) and (report.encoder, report.title_tracks) == ("pretrained", 300)
    assert isinstance(blend, BlendRecommender) and (blend.blend_lambda, blend.seeds.alpha) == (0.1, 0.5)
    assert (blend.title.encoder, blend.title.top_m) == ("finetuned", 7)


def test_absent_hyper_parameters_keep_the_constructors_defaults_and_a_sub_section_overrides():
    defaults = make_models(["title_finetuned", "report"], {})
    assert defaults["title_finetuned"].top_m == TitleRecommender().top_m
    assert defaults["report"].n_playlists == ReportRecommender().n_playlists
    models = make_models(["title_pretrained", "title_finetuned"], {"top_m": 7, "title_finetuned": {"top_m": 9}})
    assert models["title_pretrained"].top_m == 7 and models["title_finetuned"].top_m == 9


def test_the_re_ranker_shares_the_candidate_models_built_beside_it_with_the_same_entries():
    shared = make_models(["blend", "als", "ranked"], {"ranked": {"model_dir": "m"}})
    assert shared["ranked"].models["blend"] is shared["blend"] and shared["ranked"].models["als"] is shared["als"]
    assert shared["ranked"].models["rp3beta"] is not shared["blend"]  # not requested alone: its own
    own = make_models(["blend", "ranked"], {"ranked": {"model_dir": "m", "neighbours": 10}})
    assert own["ranked"].models["blend"] is not own["blend"] and own["ranked"].models["blend"].seeds.neighbours == 10


def test_an_unknown_model_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown model\(s\) \['nope'\]; known: \['popular'"):
        make_models(["popular", "nope"], {})


def test_load_recommenders_fits_on_train_and_looks_up_uris(tmp_path, toy_encoder):
    toy_pipeline.write_artefacts(tmp_path, typed=False)
    uri, rock, pop = toy_pipeline.uri, toy_pipeline.ROCK, toy_pipeline.POP
    models = load_recommenders(load_pipeline(tmp_path), toy_pipeline.HYPER)
    assert list(models) == list(MODELS)
    rock_tracks = set(models["title_finetuned"].recommend("Rock", n=10))
    assert rock_tracks == {uri(i) for i in rock}
    blend = models["blend"].recommend("", [uri(12)], n=5)
    assert uri(12) not in blend and set(blend) <= {uri(i) for i in pop}
    assert uri(20) not in models["popular"].recommend(n=20)  # only in a test playlist
    with pytest.raises(UnknownTrackError):
        models["blend"].recommend("rock", ["spotify:track:missing"])
    only = load_recommenders(load_pipeline(tmp_path), toy_pipeline.HYPER, models=["exact_title"])
    assert list(only) == ["exact_title"]
    assert set(models["title_cf"].recommend("Rock", n=10)) == {uri(i) for i in rock}


@pytest.mark.parametrize("fit", ["train", "all"])
def test_fit_all_sees_the_val_and_test_playlists_and_train_does_not(tmp_path, toy_encoder, fit):
    toy_pipeline.write_artefacts(tmp_path, typed=False)
    data = load_pipeline(tmp_path)
    models = load_recommenders(data, toy_pipeline.HYPER, ["popular", "exact_title", "title_cf"], fit=fit)
    assert models["popular"].popularity_[20] == (4 if fit == "all" else 0)  # track 20: in the 4 test playlists only
    queries = Queries.titles_only(["classics", "rock"], len(data.catalogue))
    assert models["exact_title"].score(queries)[0, 20] == (1.0 if fit == "all" else 0.0)  # a test-only title
    assert (models["title_cf"].item_factors_[20] != 0).any() == (fit == "all")  # folded into the train basis
    assert (models["title_cf"].score(queries)[1, 20] > 0) == (fit == "all")
