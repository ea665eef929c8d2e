"""The annotated terminal report (rich): header, highlighted text, legend and findings table."""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimcheck.findings import Finding, Report
from claimcheck.textnorm import printable

CATEGORY_STYLES: dict[str, str] = {
    "cure_all": "bold white on red",
    "oral_product": "bold black on yellow",
    "unverified_product": "bold white on magenta",
    "overseas_iv": "bold white on blue",
    "risk_free": "bold black on green",
    "testimonial_evidence": "bold black on cyan",
    "regulatory_misrep": "bold white on dark_orange3",
    "risky_route": "bold white on dark_red",
    "pressure_pricing": "bold black on bright_white",
}
MUTED = "underline dim"  # mentions that the page does not assert
FULL_TEXT_LIMIT = 2500  # longer texts show only the sentences that carry findings


def safe(value: object, style: str = "") -> Text:
    """Text from a page, a file name or a server: never markup, never terminal control sequences."""
    return Text(printable(str(value)), style=style)


def summary_line(report: Report) -> str:
    if report.verdict == "skipped":
        return printable(f"skipped: {report.error}")
    asserted = report.asserted
    others = len(report.findings) - len(asserted)
    claims = f"{len(asserted)} red-flag claim{'s' * (len(asserted) != 1)}"
    cats = len(report.categories)
    line = f"{claims} in {cats} categor{'ies' if cats != 1 else 'y'}" if asserted else "no red-flag claims"
    if others:
        kinds = Counter(f.context for f in report.findings if not f.asserted)
        line += (
            f"; {others} non-asserted mention{'s' * (others != 1)} ("
            + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
            + ")"
        )
    return line


def render_report(report: Report, console: Console, *, show_all: bool = False) -> None:
    console.print(_header(report))
    if report.verdict == "skipped":
        return
    shown = [f for f in report.findings if f.asserted or show_all]
    if not shown:
        if report.findings and not show_all:
            console.print("[dim]Only non-asserted mentions were found; --all shows them.[/dim]")
        return
    plain = console.no_color or not console.is_terminal
    console.print(_text_view(report, shown, plain=plain))
    console.print(_legend(shown))
    console.print(_table(shown))
    hidden = len(report.findings) - len(shown)
    if hidden:
        console.print(f"[dim]{hidden} non-asserted mention(s) hidden; --all shows them.[/dim]")


def _header(report: Report) -> Panel:
    verdict = {
        "flagged": "[bold red]FLAGGED[/]",
        "clean": "[bold green]clean[/]",
        "skipped": "[bold yellow]skipped[/]",
    }
    body = Text.assemble(
        ("source   ", "dim"),
        report.source,
        "\n",
        ("language ", "dim"),
        report.lang or "-",
        "\n",
        ("verdict  ", "dim"),
        Text.from_markup(verdict[report.verdict]),
        ("   " + ", ".join(report.categories)) if report.categories else "",
        "\n",
        ("summary  ", "dim"),
        summary_line(report),
    )
    if report.page_voice is not None and report.page_voice_probability is not None:
        body.append("\nvoice    ", style="dim")
        body.append(f"{report.page_voice} ({report.page_voice_probability:.0%})")
    if report.dismissed:
        body.append(f"\nmodel    {len(report.dismissed)} rule match(es) not confirmed as claims", style="dim")
    if report.truncated:
        body.append("\nnote     only the first part of this long document was checked", style="yellow")
    return Panel(body, title="claimcheck", title_align="left", expand=False)


def _highlight(text: str, offset: int, findings: list[Finding], *, plain: bool = False) -> Text:
    """Colour each finding; without colour (NO_COLOR, a pipe) mark asserted claims «like this»."""
    inside = [
        (f.start - offset, f.end - offset, f)
        for f in findings
        if 0 <= f.start - offset < f.end - offset <= len(text)
    ]
    if plain:
        marks = _merge([(s, e) for s, e, f in inside if f.asserted])
        out, last = Text(), 0
        for start, end in marks:
            out.append(text[last:start])
            out.append("«" + text[start:end] + "»")
            last = end
        out.append(text[last:])
        return out
    out = Text(text)
    for start, end, f in sorted(inside, key=lambda item: (item[2].asserted, item[1] - item[0])):
        out.stylize(CATEGORY_STYLES[f.category] if f.asserted else MUTED, start, end)
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _text_view(report: Report, shown: list[Finding], *, plain: bool = False) -> Panel:
    text = printable(report.text)
    if text and len(text) <= FULL_TEXT_LIMIT:
        return Panel(_highlight(text, 0, shown, plain=plain), title="checked text", title_align="left")
    parts: list[Text] = []
    for start, end, group in _excerpts(text, shown):
        line = Text(f"@{start}  ", style="dim")
        line.append_text(
            _highlight(text[start:end], start, group, plain=plain) if text else safe(group[0].sentence)
        )
        parts.append(line)
    return Panel(Group(*parts), title="sentences with findings", title_align="left")


def _excerpts(text: str, findings: list[Finding]) -> list[tuple[int, int, list[Finding]]]:
    """One excerpt per sentence that carries findings, merged when findings share a sentence."""
    spans: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        start = text.find(f.sentence, max(0, f.start - len(f.sentence))) if text and f.sentence else -1
        key = (start, start + len(f.sentence)) if start >= 0 else (f.start, f.end)
        spans.setdefault(key, []).append(f)
    return [(s, e, group) for (s, e), group in sorted(spans.items())]


def _legend(findings: list[Finding]) -> Text:
    legend = Text("legend: ", style="dim")
    for category in sorted({f.category for f in findings if f.asserted}):
        legend.append(f" {category} ", style=CATEGORY_STYLES[category])
        legend.append(" ")
    if any(not f.asserted for f in findings):
        legend.append("not asserted", style=MUTED)
    return legend


def _source(finding: Finding) -> str:
    """Where the finding came from: the rule's id, or the model and the words that weighed most."""
    if finding.detector == "model":
        return "model: " + (", ".join(finding.top_terms[:4]) or "whole passage")
    return f"rule {finding.rule}"


def _table(findings: list[Finding]) -> Table:
    table = Table(title="findings", title_justify="left", show_lines=True, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("matched", ratio=2)
    table.add_column("context", min_width=12, no_wrap=True)
    table.add_column("why it is a red flag", ratio=4)
    for number, f in enumerate(findings, start=1):
        category = Text(f.category, style=CATEGORY_STYLES[f.category] if f.asserted else MUTED)
        category.append(f"\n{f.severity}", style="dim")
        context = Text(f.context, style="bold red" if f.asserted else "green")
        if f.cue:
            context.append(printable(f"\ncue: {f.cue}"), style="dim")
        if f.confidence is not None:
            context.append(f"\nconfidence {f.confidence:.0%}", style="dim")
        matched = safe(f.text)
        matched.append(printable("\n" + _source(f)), style="dim")
        if f.page is not None:
            matched.append(f"\npage {f.page}", style="dim")
        if f.evidence:
            matched.append(printable(f"\n+ {f.evidence}"), style="dim")
        why = safe(f.message)
        why.append(printable(f"\n{f.reference}"), style="dim")
        table.add_row(str(number), category, matched, context, why)
    return table
