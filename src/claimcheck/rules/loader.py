"""Load and validate YAML pattern packs strictly: unknown keys, wrong types and duplicate ids are errors
that name the file, line and rule id, before any text is read (as Vale does)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from claimcheck.errors import RuleError
from claimcheck.rules.model import (
    CATEGORIES,
    CUE_KINDS,
    DIRECTIONS,
    LANGS,
    SCOPES,
    SEVERITIES,
    ContextExample,
    ContextRule,
    MatchSpec,
    Origin,
    Rule,
    RuleSet,
)
from claimcheck.rules.regexcheck import regex_problem

RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
PACK_KEYS = {"pack", "lang", "description", "rules", "cues"}
RULE_KEYS = {
    "id",
    "category",
    "severity",
    "lang",
    "message",
    "reference",
    "phrases",
    "terms",
    "patterns",
    "near",
    "unless",
    "min_distinct",
    "scope",
    "examples",
}
MATCH_KEYS = {"phrases", "terms", "patterns"}
CUE_KEYS = {
    "id",
    "kind",
    "lang",
    "phrases",
    "terms",
    "patterns",
    "direction",
    "window",
    "reach",
    "seller_guard",
    "skip_categories",
    "examples",
}
MIN_FLAG_EXAMPLES, MIN_OK_EXAMPLES = 2, 1


class _LineDict(dict[str, Any]):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


# The C parser when PyYAML has it (several times faster); the constructor stays Python either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {sorted(map(str, duplicates))[0]!r}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def _construct_line_dict(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_dict)


def default_pattern_dir() -> Path:
    """The packs shipped with claimcheck: inside the installed package, or at the repo root when editable."""
    packaged = Path(__file__).resolve().parent.parent / "patterns"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "patterns"


def pack_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
            if not found:
                raise RuleError(str(path), None, None, "no .yaml or .yml pack files in this folder")
            yield from found
        elif path.is_file():
            yield path
        else:
            raise RuleError(str(path), None, None, "no such rules file or folder")


def load_rules(extra: Iterable[str | Path] = (), *, include_default: bool = True) -> RuleSet:
    """Read the shipped packs plus any user files or folders; raise RuleError on the first problem."""
    roots = [default_pattern_dir()] if include_default else []
    roots += [Path(p) for p in extra]
    rules: list[Rule] = []
    cues: list[ContextRule] = []
    sources: list[str] = []
    for path in pack_files(roots):
        file_rules, file_cues = _load_file(path)
        rules += file_rules
        cues += file_cues
        sources.append(str(path))
    everything: list[Rule | ContextRule] = [*rules, *cues]
    _check_unique(everything)
    return RuleSet(rules=rules, context_rules=cues, sources=sources)


def _check_unique(items: list[Rule | ContextRule]) -> None:
    seen: dict[str, Origin] = {}
    for item in items:
        if item.id in seen:
            first = seen[item.id]
            raise RuleError(
                item.origin.path,
                item.origin.line,
                item.id,
                f"duplicate id (first defined at {first.path}:{first.line})",
            )
        seen[item.id] = item.origin


def _load_file(path: Path) -> tuple[list[Rule], list[ContextRule]]:
    where = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(where, line, None, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RuleError(where, None, None, f"invalid YAML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(where, None, None, f"cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise RuleError(where, 1, None, "a pack must be a mapping with 'lang' and 'rules' or 'cues'")
    _no_unknown_keys(data, PACK_KEYS, where, None)
    lang = data.get("lang")
    if lang is not None and lang not in LANGS:
        raise RuleError(
            where, getattr(data, "line", None), None, f"unknown lang {lang!r} (known: {', '.join(LANGS)})"
        )
    if ("rules" in data) == ("cues" in data):
        raise RuleError(
            where, getattr(data, "line", None), None, "a pack has exactly one of 'rules' or 'cues'"
        )
    items = data.get("rules") if "rules" in data else data.get("cues")
    if not isinstance(items, list) or not items:
        raise RuleError(where, getattr(data, "line", None), None, "'rules'/'cues' must be a non-empty list")
    if "rules" in data:
        return [_rule(item, where, lang) for item in items], []
    return [], [_cue(item, where, lang) for item in items]


def _no_unknown_keys(data: dict[str, Any], allowed: set[str], where: str, rule_id: str | None) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleError(
            where,
            getattr(data, "line", None),
            rule_id,
            f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})",
        )


def _str(data: dict[str, Any], key: str, where: str, rule_id: str | None, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(where, getattr(data, "line", None), rule_id, f"'{key}' must be a non-empty string")
    return value.strip()


def _str_list(value: Any, key: str, where: str, line: int | None, rule_id: str | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise RuleError(
            where, line, rule_id, f'\'{key}\' holds a YAML boolean: quote words like "no", "yes", "on"'
        )
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(where, line, rule_id, f"'{key}' must be a list of non-empty strings")
    return [v.strip() for v in value]


def _match_spec(data: dict[str, Any], where: str, rule_id: str | None) -> MatchSpec:
    line = getattr(data, "line", None)
    patterns = data.get("patterns") or []
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise RuleError(
            where, line, rule_id, "'patterns' must be a list of token patterns (lists of mappings)"
        )
    for token in (t for p in patterns for t in p):
        _check_regexes(token, where, getattr(token, "line", line), rule_id)
    return MatchSpec(
        phrases=_str_list(data.get("phrases"), "phrases", where, line, rule_id),
        terms=_str_list(data.get("terms"), "terms", where, line, rule_id),
        patterns=[[dict(t) for t in p] for p in patterns],
    )


def _check_regexes(token: dict[str, Any], where: str, line: int | None, rule_id: str | None) -> None:
    """A REGEX runs on every token of every page: refuse one that can backtrack for minutes."""
    for value in token.values():
        if isinstance(value, dict) and "REGEX" in value:
            problem = regex_problem(value["REGEX"])
            if problem:
                raise RuleError(where, line, rule_id, problem)


def _sub_spec(data: dict[str, Any], key: str, where: str, rule_id: str) -> MatchSpec | None:
    value = data.get(key)
    if value is None:
        return None
    line = getattr(value, "line", getattr(data, "line", None))
    if not isinstance(value, dict):
        raise RuleError(where, line, rule_id, f"'{key}' must be a mapping of phrases/terms/patterns")
    _no_unknown_keys(value, MATCH_KEYS, where, rule_id)
    spec = _match_spec(value, where, rule_id)
    if spec.is_empty():
        raise RuleError(where, line, rule_id, f"'{key}' needs phrases, terms or patterns")
    return spec


def _rule_id(data: Any, where: str) -> str:
    if not isinstance(data, dict):
        raise RuleError(where, None, None, "each entry must be a mapping")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise RuleError(
            where, getattr(data, "line", None), None, f"'id' must be dotted lower-case, got {rule_id!r}"
        )
    return rule_id


def _lang(data: dict[str, Any], pack_lang: str | None, where: str, rule_id: str) -> str:
    lang = data.get("lang", pack_lang)
    if lang not in LANGS:
        raise RuleError(
            where, getattr(data, "line", None), rule_id, f"'lang' must be one of {', '.join(LANGS)}"
        )
    return str(lang)


def _rule(data: Any, where: str, pack_lang: str | None) -> Rule:
    rule_id = _rule_id(data, where)
    line = getattr(data, "line", None)
    _no_unknown_keys(data, RULE_KEYS, where, rule_id)
    category = data.get("category")
    if category not in CATEGORIES:
        raise RuleError(
            where, line, rule_id, f"unknown category {category!r} (known: {', '.join(CATEGORIES)})"
        )
    severity = data.get("severity")
    if severity not in SEVERITIES:
        raise RuleError(where, line, rule_id, f"'severity' must be one of {', '.join(SEVERITIES)}")
    reference = _str(data, "reference", where, rule_id)
    if not reference.startswith(("https://", "http://")):
        raise RuleError(where, line, rule_id, "'reference' must be the URL of a public authority")
    match = _match_spec(data, where, rule_id)
    if match.is_empty():
        raise RuleError(where, line, rule_id, "a rule needs 'phrases', 'terms' or 'patterns'")
    min_distinct = data.get("min_distinct", 1)
    if isinstance(min_distinct, bool) or not isinstance(min_distinct, int) or min_distinct < 1:
        raise RuleError(where, line, rule_id, "'min_distinct' must be a positive whole number")
    scope = data.get("scope", "sentence")
    if scope not in SCOPES:
        raise RuleError(where, line, rule_id, f"'scope' must be one of {', '.join(SCOPES)}")
    flag, ok = _examples(data.get("examples"), where, line, rule_id)
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        lang=_lang(data, pack_lang, where, rule_id),
        message=_str(data, "message", where, rule_id),
        reference=reference,
        match=match,
        origin=Origin(where, line or 0),
        near=_sub_spec(data, "near", where, rule_id),
        unless=_sub_spec(data, "unless", where, rule_id),
        min_distinct=min_distinct,
        scope=scope,
        examples_flag=flag,
        examples_ok=ok,
    )


def _examples(value: Any, where: str, line: int | None, rule_id: str) -> tuple[list[str], list[str]]:
    if not isinstance(value, dict):
        raise RuleError(where, line, rule_id, "'examples' with 'flag' and 'ok' lists is required")
    _no_unknown_keys(value, {"flag", "ok"}, where, rule_id)
    flag = _str_list(value.get("flag"), "examples.flag", where, line, rule_id)
    ok = _str_list(value.get("ok"), "examples.ok", where, line, rule_id)
    if len(flag) < MIN_FLAG_EXAMPLES or len(ok) < MIN_OK_EXAMPLES:
        raise RuleError(
            where,
            getattr(value, "line", line),
            rule_id,
            f"needs at least {MIN_FLAG_EXAMPLES} 'flag' and {MIN_OK_EXAMPLES} 'ok' examples",
        )
    return flag, ok


def _cue(data: Any, where: str, pack_lang: str | None) -> ContextRule:
    cue_id = _rule_id(data, where)
    line = getattr(data, "line", None)
    _no_unknown_keys(data, CUE_KEYS, where, cue_id)
    kind = data.get("kind")
    if kind not in CUE_KINDS:
        raise RuleError(where, line, cue_id, f"'kind' must be one of {', '.join(CUE_KINDS)}")
    direction = data.get("direction", "both")
    if direction not in DIRECTIONS:
        raise RuleError(where, line, cue_id, f"'direction' must be one of {', '.join(DIRECTIONS)}")
    window = data.get("window", 8)
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise RuleError(where, line, cue_id, "'window' must be a whole number of tokens")
    reach = data.get("reach", "window")
    if reach not in ("window", "block", "quote"):
        raise RuleError(where, line, cue_id, "'reach' must be window, block or quote")
    seller_guard = data.get("seller_guard", False)
    if not isinstance(seller_guard, bool):
        raise RuleError(where, line, cue_id, "'seller_guard' must be true or false")
    skip = _str_list(data.get("skip_categories"), "skip_categories", where, line, cue_id)
    bad = [c for c in skip if c not in CATEGORIES]
    if bad:
        raise RuleError(where, line, cue_id, f"unknown category {bad[0]!r} in 'skip_categories'")
    match = _match_spec(data, where, cue_id)
    if match.is_empty():
        raise RuleError(where, line, cue_id, "a cue needs 'phrases', 'terms' or 'patterns'")
    return ContextRule(
        id=cue_id,
        kind=kind,
        lang=_lang(data, pack_lang, where, cue_id),
        match=match,
        origin=Origin(where, line or 0),
        direction=direction,
        window=window,
        reach=reach,
        seller_guard=seller_guard,
        skip_categories=skip,
        examples=_cue_examples(data.get("examples"), where, line, cue_id),
    )


def _cue_examples(value: Any, where: str, line: int | None, cue_id: str) -> list[ContextExample]:
    if not isinstance(value, list) or not value:
        raise RuleError(
            where, line, cue_id, "'examples' must list {text, expect} items with the target in [brackets]"
        )
    examples = []
    for item in value:
        item_line = getattr(item, "line", line)
        if not isinstance(item, dict) or set(item) != {"text", "expect"}:
            raise RuleError(where, item_line, cue_id, "each example has exactly 'text' and 'expect'")
        text, expect = item["text"], item["expect"]
        if (
            not isinstance(text, str)
            or text.count("[") != 1
            or text.count("]") != 1
            or text.index("[") > text.index("]")
        ):
            raise RuleError(
                where, item_line, cue_id, "an example's text marks its target once, in [brackets]"
            )
        if expect not in ("asserted", "negated", "cautionary", "question", "hypothetical", "attributed"):
            raise RuleError(where, item_line, cue_id, f"unknown expected context {expect!r}")
        examples.append(ContextExample(text=text, expect=expect))
    return examples
