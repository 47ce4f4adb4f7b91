"""Fixtures for the corpus part: a small real knowledge base, real SQLite, the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.corpus.index import Corpora
from server.corpus.models import Document

FACTS = [
    Document("volcano", "Mount Vesuvius erupted in 79 AD and buried the Roman city of Pompeii under ash."),
    Document("everest", "Mount Everest, at 8,849 metres, is the highest mountain above sea level on Earth."),
    Document("amazon", "The Amazon river carries more water than any other river in the world."),
    Document("telescope", "The James Webb Space Telescope was launched on 25 December 2021 on an Ariane 5 rocket."),
    Document("chess", "The world chess champion in 2024 is Ding Liren of China, who won the title in 2023."),
    Document("coffee", "Coffee beans are the roasted seeds of the Coffea plant, first cultivated in Yemen."),
    Document("marathon", "The marathon race distance is 42.195 kilometres, fixed at the 1908 London Olympics."),
    Document("bridge", "The Golden Gate Bridge in San Francisco opened to traffic in May 1937."),
    Document("penguin", "Emperor penguins breed in the Antarctic winter and can dive deeper than 500 metres."),
    Document("piano", "The piano was invented by Bartolomeo Cristofori in Florence around the year 1700."),
    Document("glacier", "Glaciers store about 69 percent of the world's fresh water as ice."),
    Document("saturn", "Saturn has the most known moons of any planet, with 146 confirmed moons as of 2023."),
]


@pytest.fixture
def corpora(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = Corpora(tmp_path / "corpus.db")
    yield c
    c.close()


@pytest.fixture
def facts(corpora: Corpora):  # type: ignore[no-untyped-def]
    index = corpora.get("kb")
    index.upsert(FACTS)
    return index
