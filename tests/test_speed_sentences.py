"""The sentence-boundary regex was rewritten for speed: it must find exactly what the original found."""

from __future__ import annotations

import random
import re

from claimcheck.nlp.sentences import _BOUNDARY

# The original pattern, kept as the definition the fast one must match.
REFERENCE = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’»)\]]*[ \t]+(?![a-záéíóúüñ—–])|\n\s*")


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def test_random_strings_of_the_characters_that_matter() -> None:
    rng = random.Random(11)
    alphabet = ".!?…\n \t\"'”’»)]aAé—–x\r\f\v\u00a0"
    for _ in range(100_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert _spans(_BOUNDARY, text) == _spans(REFERENCE, text), repr(text)


def test_prose() -> None:
    texts = [
        'Dr. Ruiz treats knees. U.S. clinics differ!! Really?! Yes… "Quoted." Next\n\n  Heading\nItem',
        "¿Funciona? ¡Sí! Claro. …my life.\u2014 Ana. End.",
        "!" * 5000 + " a. b.\t\tC",
        "",
        "\n\n\n",
    ]
    for text in texts:
        assert _spans(_BOUNDARY, text) == _spans(REFERENCE, text), repr(text)
