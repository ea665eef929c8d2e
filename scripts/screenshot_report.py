"""Write a demo HTML report (hand-made Reports, hostile strings included) and screenshot it headless.

    python scripts/screenshot_report.py report.png [--keep-html PATH]

Without a Chromium binary it only writes the HTML and prints its path. Nothing here touches the network:
the report is self-contained and Chromium runs with background networking off (claimcheck.browser finds,
runs and kills it).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from claimcheck.browser import find_browser
from claimcheck.browser import run_headless as browser_run
from claimcheck.findings import Finding, Report
from claimcheck.render.html import write_html_report

__all__ = ["find_browser", "run_headless", "screenshot"]  # what tests/test_batch.py uses
FDA = "https://www.fda.gov/consumers/consumer-updates/important-patient-and-consumer-information-about-regenerative-medicine-therapies"


def _finding(
    category: str,
    severity: str,
    text: str,
    sentence: str,
    *,
    context: str = "asserted",
    cue: str | None = None,
    message: str = "",
    reference: str = FDA,
    rule: str | None = None,
) -> Finding:
    return Finding(
        rule=rule or f"{category}.en.demo",
        category=category,
        severity=severity,
        start=0,
        end=len(text),
        text=text,
        context=context,
        message=message
        or f"A {category.replace('_', ' ')} claim: a red flag for an unproven stem-cell offer.",
        cue=cue,
        sentence=sentence,
        reference=reference,
    )


def demo_reports() -> list[Report]:
    hostile = '<script>alert(1)</script><img src=x onerror=alert(1)>"><svg onload=alert(1)></style>'
    return [
        Report(
            id="p1",
            source="https://www.regen-clinic.example/treatments",
            url="https://www.regen-clinic.example/treatments",
            sha256="0" * 64,
            lang="en",
            findings=[
                _finding(
                    "cure_all",
                    "high",
                    "cure Parkinson's, autism and diabetes",
                    "Our stem cells can cure Parkinson's, autism and diabetes in a single visit.",
                ),
                _finding(
                    "risk_free",
                    "high",
                    "no side effects",
                    "The procedure is natural, so there are no side effects and no risk of rejection.",
                ),
                _finding(
                    "pressure_pricing",
                    "medium",
                    "only 5 slots left",
                    "Only 5 slots left this month: book now for 20% off.",
                    reference="javascript:alert(1)",
                ),
                _finding(
                    "oral_product",
                    "medium",
                    "stem cell pills",
                    "Avoid clinics that sell stem cell pills.",
                    context="cautionary",
                    cue="avoid",
                ),
            ],
        ),
        Report(
            id="p2",
            source="https://www.regen-clinic.example/cancun",
            url="https://www.regen-clinic.example/cancun",
            sha256="1" * 64,
            lang="en",
            findings=[
                _finding(
                    "overseas_iv",
                    "high",
                    "three IV infusions",
                    "Fly to our Cancún clinic for THREE IV INFUSIONS, hotel included.",
                ),
                _finding(
                    "regulatory_misrep",
                    "high",
                    "FDA approved",
                    "Our treatment is FDA approved.",
                ),
            ],
        ),
        Report(
            id=hostile,
            source=hostile,
            url="javascript:alert(1)",
            sha256="2" * 64,
            lang="es",
            findings=[
                _finding(
                    "testimonial_evidence",
                    "medium",
                    "<script>alert(1)</script>",
                    f"María caminó otra vez {hostile} después de un tratamiento.",
                ),
                _finding(
                    "risky_route",
                    "high",
                    "inyecciones intratecales",
                    "Las inyecciones intratecales llevan las células directo a la médula.",
                    reference='https://example.org/"><svg onload=alert(1)>',
                ),
                _finding(
                    "unverified_product",
                    "low",
                    "not in the sentence",
                    "A sentence that does not contain the matched words " + hostile,
                ),
            ],
        ),
        Report(
            id="news",
            source="https://news.example/stem-cells",
            url="https://news.example/stem-cells",
            sha256="3" * 64,
            lang="en",
            findings=[
                _finding(
                    "cure_all",
                    "high",
                    "cure autism",
                    "The clinic's manager said its cells cure autism.",
                    context="attributed",
                    cue="said",
                )
            ],
        ),
        Report(id="clean", source="notes/clean.txt", sha256="4" * 64, lang="en"),
        Report(
            id="gone",
            source="https://gone.example/",
            url="https://gone.example/",
            sha256="5" * 64,
            lang="",
            error="https://gone.example/: HTTP 404 Not Found",
        ),
        Report(id="bin", source="blob.bin", sha256="6" * 64, lang="", error="binary data, not text or HTML"),
        Report(
            id=hostile,
            source=hostile,
            sha256="7" * 64,
            lang="",
            error=f"{hostile}: unreadable ({hostile})",
        ),
    ]


def write_demo(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        write_html_report(
            iter(demo_reports()),
            handle,
            title="claimcheck demo report <script>alert(1)</script>",
            generated_at="2025-01-01T00:00:00+00:00",
            meta={"tool version": "claimcheck 0.1.0", "rules digest": "sha256:demo", "inputs": "demo"},
        )


def run_headless(browser: str, page: Path, *args: str, check: bool = True) -> str:
    """Chromium on a local page with a fresh profile; what it printed (e.g. --dump-dom). Used by the tests."""
    return browser_run(browser, page.resolve().as_uri(), *args, check=check)


def screenshot(html_path: Path, png_path: Path, browser: str, *, size: str = "1280,2400") -> None:
    run_headless(browser, html_path, f"--screenshot={png_path.resolve()}", f"--window-size={size}")


def main(argv: list[str]) -> int:
    keep = None
    if "--keep-html" in argv:
        at = argv.index("--keep-html")
        keep = Path(argv[at + 1])
        del argv[at : at + 2]
    with tempfile.TemporaryDirectory(prefix="claimcheck-demo-") as tmp:
        html_path = keep or Path(tmp) / "report.html"
        write_demo(html_path)
        browser = find_browser()
        if not argv or browser is None:
            if keep is None:
                print(html_path.read_text(encoding="utf-8"))
            print(
                "no screenshot: " + ("no PNG path given" if not argv else "no Chromium found"),
                file=sys.stderr,
            )
            return 0
        screenshot(html_path, Path(argv[0]), browser)
        print(f"wrote {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
