"""A generator of clinic-like pages for benchmarks: claims, warnings and neutral prose in English and
Spanish, with the noise real pages carry (ids, tracking codes, URLs) that makes spaCy's vocabulary grow.
Every sentence here was written for this project."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

CLAIMS_EN = [
    "Our umbilical cord stem cells treat autism, ALS, Parkinson's and diabetes with one protocol.",
    "There are no side effects and no risk of rejection.",
    "Each vial holds 200 million live stem cells from our FDA-registered lab.",
    "Fly to our Cancun clinic for three IV infusions, hotel and airport pickup included.",
    "Watch our patient testimonials: after one treatment, Rosa walked again.",
    "Only 4 treatment slots left this month: book now and save 20%.",
    "Our stem cell capsules restore energy and joint health in weeks.",
    "Intrathecal injections deliver the cells straight to the spinal cord.",
    "Our therapy is FDA approved and backed by an IRB-approved study.",
]
WARNINGS_EN = [
    "Avoid clinics that sell stem cell pills or creams; swallowed products cannot deliver living cells.",
    "There is no evidence that exosome injections help knee pain.",
    "Are stem cell infusions abroad safe? Doctors warn of clots and infections.",
    "Some clinics claim their cells cure autism, but no study supports it.",
]
NEUTRAL_EN = [
    "Our coordinators answer every question before you book a consultation.",
    "Physical therapy remains the first treatment for most knee injuries.",
    "The clinic is open Monday to Friday from nine to five.",
    "Mesenchymal stromal cells are being studied in several registered trials.",
    "Parking is available behind the building and the entrance is wheelchair accessible.",
]
CLAIMS_ES = [
    "Nuestras células madre curan la diabetes, el autismo y la artritis.",
    "El tratamiento no tiene efectos secundarios y no hay riesgo de rechazo.",
    "Ofrecemos infusiones intravenosas en Tijuana con hotel y traslado incluidos.",
    "Cupo limitado: reserve hoy con un anticipo de 500 dólares.",
    "Cápsulas de células madre para rejuvenecer la piel y las articulaciones.",
]
WARNINGS_ES = [
    "Evite las clínicas que venden células madre en pastillas.",
    "No existe evidencia de que los exosomas curen enfermedades, advierte la Cofepris.",
]
NEUTRAL_ES = [
    "Nuestro equipo le atiende de lunes a viernes en horario de oficina.",
    "La fisioterapia sigue siendo el primer tratamiento para la mayoría de las lesiones de rodilla.",
    "El estacionamiento está detrás del edificio.",
]


_SUBJECTS_EN = [
    "Our front desk",
    "The recovery room",
    "Every patient file",
    "The new wing",
    "Our nursing team",
    "The billing office",
    "A typical follow-up visit",
    "The imaging suite",
    "Our physiotherapist",
    "The waiting area",
    "Each consultation",
    "The lab courier",
    "Our medical director",
]
_VERBS_EN = ["reviews", "schedules", "documents", "prepares", "explains", "coordinates", "updates", "checks"]
_OBJECTS_EN = [
    "insurance paperwork",
    "appointment reminders",
    "post-operative instructions",
    "parking validation",
    "medication lists",
    "blood pressure readings",
    "translation services",
    "referral letters",
    "x-ray results",
    "dietary questions",
    "travel documents",
    "discharge summaries",
]
_TAILS_EN = [
    "before noon",
    "within two business days",
    "in English and French",
    "during the first visit",
    "at no extra charge",
    "through the patient portal",
    "on weekdays",
    "for returning patients",
]
_SUBJECTS_ES = [
    "Nuestra recepción",
    "La sala de recuperación",
    "El equipo de enfermería",
    "La oficina de cobros",
    "Cada consulta",
    "El área de imagen",
    "Nuestro fisioterapeuta",
    "La nueva ala",
]
_VERBS_ES = ["revisa", "programa", "documenta", "prepara", "explica", "coordina", "actualiza"]
_OBJECTS_ES = [
    "los trámites del seguro",
    "los recordatorios de cita",
    "las indicaciones postoperatorias",
    "las listas de medicamentos",
    "los resultados de radiografía",
    "las cartas de referencia",
]
_TAILS_ES = [
    "antes del mediodía",
    "en dos días hábiles",
    "durante la primera visita",
    "sin costo adicional",
    "a través del portal",
    "entre semana",
]


def _varied(rng: random.Random, spanish: bool) -> str:
    """Ordinary page prose with varied vocabulary, so the tokenizer's cache does not flatter it."""
    if spanish:
        parts = (_SUBJECTS_ES, _VERBS_ES, _OBJECTS_ES, _TAILS_ES)
    else:
        parts = (_SUBJECTS_EN, _VERBS_EN, _OBJECTS_EN, _TAILS_EN)
    words = [rng.choice(p) for p in parts]
    return f"{words[0]} {words[1]} {words[2]} {words[3]} (room {rng.randint(1, 400)}, ext. {rng.randint(100, 9999)})."


def _noise(rng: random.Random) -> str:
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    return rng.choice(
        [
            f"Ref. {token.upper()}-{rng.randint(1000, 99999)}.",
            f"Share: https://clinic{rng.randint(1, 500)}.example/p/{token}?utm_source=fb&utm_id={rng.randint(1, 10**9)}",
            f"Contact {token}@mail{rng.randint(1, 99)}.example for details.",
        ]
    )


def page(rng: random.Random, spanish: bool, paragraphs: int = 12) -> str:
    claims, warnings, neutral = (
        (CLAIMS_ES, WARNINGS_ES, NEUTRAL_ES) if spanish else (CLAIMS_EN, WARNINGS_EN, NEUTRAL_EN)
    )
    # A clinic page is mostly ordinary prose: about one paragraph in ten carries claims, one in ten warns.
    blocks = []
    for _ in range(paragraphs):
        kind = rng.random()
        if kind < 0.1:
            sentences = [rng.choice(claims) for _ in range(rng.randint(1, 3))]
        elif kind < 0.2:
            sentences = [rng.choice(warnings) for _ in range(rng.randint(1, 2))]
        else:
            sentences = [rng.choice(neutral)]
        sentences += [_varied(rng, spanish) for _ in range(rng.randint(2, 4))] + [_noise(rng)]
        rng.shuffle(sentences)
        blocks.append(" ".join(sentences))
    return "\n\n".join(blocks)


def html_page(text: str, title: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    nav = "<nav>" + " | ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(12)) + "</nav>"
    return (
        f"<!doctype html><html><head><title>{title}</title><script>var t={{a:1}};</script></head><body>{nav}"
        f"<main><article><h1>{title}</h1>{body}</article></main><footer>Copyright clinic</footer></body></html>"
    )


def documents(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for number in range(count):
        spanish = rng.random() < 0.3
        yield {
            "id": f"p{number}",
            "url": f"https://clinic{number % 97}.example/page{number}",
            "text": page(rng, spanish),
        }


def write_jsonl(path: Path, count: int) -> int:
    size = 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in documents(count):
            line = json.dumps(doc, ensure_ascii=False)
            size += len(doc["text"].encode())
            handle.write(line + "\n")
    return size
