"""The LLM backends and reply parsing: the song formats a model writes, the backend choice, the Ollama client.

The endpoint backend talks to a fake Ollama (tests/llm_fakes.py); the GGUF backend's test runs the real
SmolLM2-135M-Instruct through the LLM recommender (tests/recommenders/test_llm_recommender.py).
"""

import pytest
from llm_fakes import REPLY

from playlistrec.llm import OllamaGenerator, make_generator, parse_line, parse_reply


def test_parse_line_formats():
    assert parse_line("1. Song - Artist") == ("Song", "Artist")
    assert parse_line("12) Song – Artist (1985)") == ("Song", "Artist")
    assert parse_line('- "Stand by Me" by Ben E. King') == ("Stand by Me", "Ben E. King")
    assert parse_line("Stand by Me by Ben E. King") == ("Stand by Me", "Ben E. King")
    assert parse_line("“Hello” — Adele") == ("Hello", "Adele")
    assert parse_line("3. 'Don't Stop Me Now' by Queen") == ("Don't Stop Me Now", "Queen")
    assert parse_line("* **Hello** - Adele feat. Somebody") == ("Hello", "Adele")
    assert parse_line("7. Hello") == ("Hello", "")
    assert parse_line("Here are 10 songs:") is None
    assert parse_line("Enjoy your workout!") is None
    assert parse_line("   ") is None


def test_parse_reply_keeps_order_and_skips_prose():
    pairs = parse_reply(REPLY)
    assert pairs[0] == ("Hello", "Lionel Richie") and pairs[2] == ("Hello", "")
    assert len(pairs) == 6


def test_make_generator_choices(tmp_path):
    assert make_generator("", "", "") is None
    assert make_generator() is None
    assert isinstance(make_generator(endpoint="http://127.0.0.1:1", model="m"), OllamaGenerator)
    with pytest.raises(ValueError, match="only one"):
        make_generator(gguf_path="m.gguf", endpoint="http://127.0.0.1:1")
    with pytest.raises(ValueError, match=r"eval\.llm\.model"):
        make_generator(endpoint="http://127.0.0.1:1")
    with pytest.raises(FileNotFoundError):
        make_generator(gguf_path="missing.gguf", root=tmp_path)
    (tmp_path / "m.gguf").write_bytes(b"")
    assert make_generator(gguf_path="m.gguf", root=tmp_path).name == "gguf:m.gguf"  # loads lazily


def test_ollama_generator_against_fake_server(fake_ollama):
    endpoint, received = fake_ollama
    reply = OllamaGenerator(endpoint, "fake", timeout=10).generate([{"role": "user", "content": "hi"}], 64)
    assert reply == REPLY
    body = received[0]
    assert body["path"] == "/api/chat" and body["stream"] is False and body["model"] == "fake"
    assert body["options"]["temperature"] == 0 and body["options"]["num_predict"] == 64
    with pytest.raises(ConnectionError, match="api/chat"):
        OllamaGenerator(endpoint, "unknown", timeout=10).generate([{"role": "user", "content": "hi"}], 64)
