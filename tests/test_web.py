"""The JSON API and page of `playlistrec serve`, over a tiny catalogue (FastAPI's TestClient, no server).

The fixtures live here and `test_browser.py` and `test_cli.py` import them: a tiny catalogue with one hostile
track name and a real recommender that returns catalogue order, so every expected answer is known in advance.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from playlistrec.recommenders.base import Recommender
from playlistrec.recommenders.data import Catalogue, TrainSet
from playlistrec.recommenders.popularity import PopularityRecommender
from playlistrec.recommenders.title import ExactTitleRecommender
from playlistrec.service import PlaylistService, QueryError
from playlistrec.web.app import create_app
from playlistrec.web.guard import LOCAL_HOSTS, MAX_BODY_BYTES, SECURITY_HEADERS

XSS_TITLE = "<script>alert(1)</script>"
XSS_TRACK = "<img src=x onerror=alert(1)>"


def uri(i: int) -> str:
    """A valid-looking Spotify track URI (22 base62 characters) for track i."""
    return f"spotify:track:{i:022d}"


def catalogue() -> pd.DataFrame:
    """Six tracks; the first is named like an XSS payload, so it tops every fake playlist."""
    names = [XSS_TRACK, "Summer Breeze", "Rainy Sunday", "Gym Power", "Sunday Morning", "Breeze Again"]
    artists = ["Mallory", "The Waves", "Cloud & Co", "Lift", "The Waves", "Seals"]
    return pd.DataFrame(
        {
            "track_id": range(6),
            "track_uri": [uri(i) for i in range(6)],
            "track_name": names,
            "artist_name": artists,
        }
    )


def catalogue_order_model(tracks: pd.DataFrame) -> Recommender:
    """A real recommender answering the catalogue in order, minus the seeds: popularity fitted on no playlist
    (every track ties at 0, so track id decides); an unknown seed raises UnknownTrackError."""
    no_playlists = pd.DataFrame({"pid": pd.Series([], dtype="int64"), "title": pd.Series([], dtype=object)})
    no_items = pd.DataFrame({"pid": pd.Series([], dtype="int64"), "track_id": pd.Series([], dtype="int64")})
    return PopularityRecommender().fit(TrainSet.from_frames(no_playlists, no_items, Catalogue(tracks)))


def exact_title_model(tracks: pd.DataFrame) -> Recommender:
    """The exact-title model fitted on one train playlist, "rainy days" holding tracks 2 and 4: any other title
    falls back to popularity, and "rainy days" itself scores only two tracks."""
    playlists = pd.DataFrame({"pid": [0], "title": ["rainy days"]})
    items = pd.DataFrame({"pid": [0, 0], "track_id": [2, 4]})
    return ExactTitleRecommender().fit(TrainSet.from_frames(playlists, items, Catalogue(tracks)))


def fake_service() -> PlaylistService:
    """Two catalogue-order models, "popular" and "blend" (the default), and a real "exact_title"."""
    tracks = catalogue()
    model = catalogue_order_model(tracks)
    return PlaylistService(tracks, {"popular": model, "blend": model, "exact_title": exact_title_model(tracks)})


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(fake_service()), base_url="http://localhost")  # a host the app serves


def test_models_lists_names_and_default(client):
    assert client.get("/api/models").json() == {"models": ["popular", "blend", "exact_title"], "default": "blend"}


def test_recommend_returns_ranked_tracks_with_spotify_links(client):
    response = client.post("/api/recommend", json={"title": "summer vibes", "seeds": [uri(0)], "n": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "summer vibes" and body["model"] == "blend" and body["fallback"] is None
    assert body["tracks"] == [
        {
            "rank": rank,
            "track_uri": uri(i),
            "track_name": name,
            "artist_name": artist,
            "url": f"https://open.spotify.com/track/{i:022d}",
        }
        for rank, (i, name, artist) in enumerate(
            [(1, "Summer Breeze", "The Waves"), (2, "Rainy Sunday", "Cloud & Co"), (3, "Gym Power", "Lift")],
            start=1,
        )
    ]


def test_recommend_says_when_popularity_filled_the_list(client):
    def fallback(title: str, n: int) -> str | None:
        body = client.post("/api/recommend", json={"title": title, "model": "exact_title", "n": n}).json()
        assert body["model"] == "exact_title" and len(body["tracks"]) == n
        return body["fallback"]

    assert fallback("Rainy Days", 2) is None
    assert fallback("summer vibes", 3) == "popularity: no training title matches"
    assert fallback("rainy days", 4) == "popularity from rank 3: the model scores only 2 tracks for this query"


def test_search_matches_every_word_in_track_or_artist_any_case(client):
    names = lambda q: [t["track_name"] for t in client.get("/api/search", params={"q": q}).json()["tracks"]]  # noqa: E731
    assert names("breeze") == ["Summer Breeze", "Breeze Again"]
    assert names("SUNDAY waves") == ["Sunday Morning"]
    assert names("img src") == [XSS_TRACK]
    assert names("   ") == [] and names("nothing like it") == []


def test_search_ranks_whole_words_then_word_starts_then_the_rest():
    names = ["Train Song", "Rainy Day", "Brain Rain", "Rain", "Drain"]
    tracks = pd.DataFrame(
        {"track_id": range(5), "track_uri": [uri(i) for i in range(5)], "track_name": names, "artist_name": "X"}
    )
    service = PlaylistService(tracks, {"popular": catalogue_order_model(tracks)})
    assert [t.track_name for t in service.search("rain")] == ["Brain Rain", "Rain", "Rainy Day", "Train Song", "Drain"]
    assert [t.track_name for t in service.search("rain x", limit=2)] == ["Brain Rain", "Rain"]


@pytest.mark.parametrize(
    ("request_body", "status", "message"),
    [
        ({"title": "x" * 501}, 422, "title: String should have at most 500 characters"),
        ({"title": "ok", "seeds": [uri(1)] * 501}, 422, "seeds: List should have at most 500 items"),
        ({"title": "ok", "n": 0}, 422, "n: Input should be greater than or equal to 1"),
        (
            {"title": "ok", "seeds": [uri(1), "spotify:track:nope"]},
            400,
            "unknown seed track URI: 'spotify:track:nope'",
        ),
        (
            {"title": "ok", "model": "nonsense"},
            400,
            "unknown model 'nonsense'; choose one of: popular, blend, exact_title",
        ),
        ({"title": "  "}, 400, "give a playlist title or at least one seed track"),
        ({"title": 5}, 422, "title: Input should be a valid string"),
    ],
)
def test_bad_recommend_requests_get_4xx_with_a_json_message(client, request_body, status, message):
    response = client.post("/api/recommend", json=request_body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"].startswith(message)


def test_malformed_json_and_long_search_get_4xx(client):
    response = client.post("/api/recommend", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "error" in response.json()
    response = client.get("/api/search", params={"q": "x" * 501})
    assert response.status_code == 422
    assert response.json() == {"error": "q: String should have at most 500 characters"}


def test_unknown_paths_and_package_files_are_not_served(client):
    for path in ("/static/service.py", "/static/app.py", "/static/../cli.py", "/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "error" in response.json()


def test_xss_probe_comes_back_as_json_text_and_never_in_html(client):
    response = client.post("/api/recommend", json={"title": XSS_TITLE})
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["title"] == XSS_TITLE and body["tracks"][0]["track_name"] == XSS_TRACK
    page = client.get("/", params={"title": XSS_TITLE})
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in page.text and "onerror" not in page.text
    # No inline script may run at all, so even markup that slipped into the page could not execute.
    assert "script-src" not in page.headers["content-security-policy"]  # falls back to default-src 'self'
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script>" not in page.text  # the page's only script is the external /static/app.js


def test_page_script_renders_with_text_content_only(client):
    script = client.get("/static/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert "document.write" not in script.text
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def assert_json_error(response, status: int) -> str:
    """The response is a JSON error of `status` with the security headers; returns its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    message = response.json()["error"]
    assert "\n" not in message
    return message


@pytest.mark.parametrize("seeds", [["\ud800"], [uri(1), "spotify:track:\udce9x"]])
def test_a_lone_surrogate_is_a_json_400_with_the_headers(client, seeds):
    """The original failure: 500 text/plain without the headers (UnicodeEncodeError building the message)."""
    body = json.dumps({"title": "x", "seeds": seeds})  # json.dumps escapes the surrogate as \ud800
    response = client.post("/api/recommend", content=body, headers={"content-type": "application/json"})
    assert "unable to parse raw data as a unicode string" in assert_json_error(response, 422)
    with pytest.raises(QueryError, match="title is not valid UTF-8 text: 'caf\\\\udce9'"):  # the service's own check
        fake_service().recommend("caf\udce9")


def test_an_unexpected_failure_is_a_json_500_with_the_headers():
    service = fake_service()
    service.search = lambda q, limit: 1 / 0
    client = TestClient(create_app(service), base_url="http://localhost", raise_server_exceptions=False)
    assert assert_json_error(client.get("/api/search", params={"q": "x"}), 500) == "internal error"


def test_echoed_values_are_cut(client):
    """The original failure: a 100 KB unknown seed came back whole in the message."""
    message = assert_json_error(client.post("/api/recommend", json={"title": "x", "model": "m" * 100}), 400)
    assert len(message) < 200 and message.startswith("unknown model 'mmm") and "...;" in message
    assert_json_error(client.post("/api/recommend", json={"title": "x", "seeds": ["s" * 100_000]}), 422)


def test_a_body_over_the_limit_is_refused_by_its_length_or_as_it_streams(client):
    """The original failure: a 30 MB body was read whole before the 422."""
    big = json.dumps({"title": "x", "seeds": [uri(1)] * 10_000}).encode()
    assert len(big) > MAX_BODY_BYTES
    response = client.post("/api/recommend", content=big, headers={"content-type": "application/json"})
    assert assert_json_error(response, 413) == f"request body too large (at most {MAX_BODY_BYTES:,} bytes)"
    chunks = (big[i : i + 4096] for i in range(0, len(big), 4096))  # no Content-Length: counted as it comes
    response = client.post("/api/recommend", content=chunks, headers={"content-type": "application/json"})
    assert assert_json_error(response, 413).startswith("request body too large")


@pytest.mark.parametrize(
    ("request_body", "where"),
    [
        ({"title": "x", "n": "5"}, "n"),
        ({"title": "x", "n": 5.0}, "n"),
        ({"title": "x", "n": True}, "n"),
        ({"title": "x", "model": ""}, "model"),
        ({"title": 1}, "title"),
        ({"title": "x", "seeds": "spotify:track:0"}, "seeds"),
        ({"title": "x", "limit": 5}, "limit"),
    ],
)
def test_loose_types_and_unknown_fields_are_refused(client, request_body, where):
    """The original failure: "5", 5.0 and true were taken for n, and "" for the default model."""
    assert assert_json_error(client.post("/api/recommend", json=request_body), 422).startswith(f"{where}: ")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", ""])
def test_a_foreign_host_is_refused(client, host):
    """The original failure: any Host was answered, so a page on another site could rebind its name to us."""
    assert "is not served here" in assert_json_error(client.get("/api/models", headers={"host": host}), 400)


def test_the_local_names_and_the_allowed_ones_are_served():
    app = create_app(fake_service(), hosts=[*LOCAL_HOSTS, "box.lan"])
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "box.lan:80", "BOX.LAN"):
        assert TestClient(app).get("/api/models", headers={"host": host}).status_code == 200
    assert TestClient(create_app(fake_service(), hosts=["*"])).get("/api/models").status_code == 200


def test_no_framing_and_head_on_every_get_route(client):
    assert "frame-ancestors 'none'" in client.get("/").headers["content-security-policy"]
    for path in ("/", "/static/app.js", "/static/style.css", "/api/models", "/api/search?q=x", "/openapi.json"):
        response = client.head(path)
        assert response.status_code == 200 and response.content == b"", path
        assert response.headers["x-frame-options"] == "DENY"


def test_search_words_are_capped(client):
    """The original slow path: a 250-word query took 316 ms against 3-5 ms for one word."""
    message = assert_json_error(client.get("/api/search", params={"q": " ".join(["a"] * 250)}), 400)
    assert message == "search query has 250 words (at most 20)"
    assert client.get("/api/search", params={"q": " ".join(["breeze"] * 20)}).status_code == 200
