#!/usr/bin/env python3
"""Checks the Prometheus rules against what promtool cannot know.

  metrics   every metric a rule expression reads is in ops/metrics.md's tables (or recorded by a rule), every label
            it matches or groups by is one that metric has, and a value it matches is one the table lists (when it
            lists them)
  runbooks  every alert has a severity (page or ticket), a summary, a description and a runbook_url whose anchor is
            a heading of docs/operations.md's Runbooks section, and every runbook there belongs to an alert
  tests     every alert, at each of its severities, has a unit test where it fires and one where it does not

Usage: ops-rules-check.py metrics|runbooks|tests. Exits 1 and names each problem when there is one.
"""

import glob
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("[ops-rules-check] PyYAML is missing: install the Debian package python3-yaml (scripts/services.sh does)")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CONTRACT = os.path.join(ROOT, "ops", "metrics.md")
RULES = sorted(glob.glob(os.path.join(ROOT, "ops", "prometheus", "rules", "*.yml")))
TESTS = sorted(glob.glob(os.path.join(ROOT, "ops", "prometheus", "tests", "*.yml")))
RUNBOOKS = os.path.join(ROOT, "docs", "operations.md")
RUNBOOK_LINK = "docs/operations.md#"
SEVERITIES = ("page", "ticket")
ANNOTATIONS = ("summary", "description", "runbook_url")

# Labels the scrape gives every series, and the values of service_role (ops/metrics.md, above its tables).
SCRAPE_LABELS = {"job", "instance", "service_role"}
SCRAPE_VALUES = {"service_role": {"api", "worker"}}
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")

AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
                "quantile", "limitk", "limit_ratio"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}


def relative(path):
    return os.path.relpath(path, ROOT)


def load_contract():
    """Metric name -> (type, {label: its listed values, empty when none is listed}) from ops/metrics.md's tables."""
    metrics = {}
    lines = open(CONTRACT, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|") or re.match(r"^\|\s*-", line):
            continue
        if i + 1 < len(lines) and re.match(r"^\|\s*-", lines[i + 1]):
            header = [c.strip().lower() for c in line.strip().strip("|").split("|")]
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        row = dict(zip(header, cells))
        first = row.get("metric", "")
        # The exporters' table names a metric's labels in parentheses after it; the other tables list values there.
        names = re.findall(r"`([a-zA-Z_:][a-zA-Z0-9_:]*)`", re.sub(r"\([^)]*\)", "", first))
        labels = {label: set() for label in re.findall(r"`([a-zA-Z_]\w*)`", " ".join(re.findall(r"\(([^)]*)\)", first)))}
        # `label` (`value`, `value`) lists the values; a parenthesis without backticks is a remark.
        for label, values in re.findall(r"`([a-zA-Z_]\w*)`\s*(\([^)]*\))?", row.get("labels", "")):
            labels[label] = set(re.findall(r"`([^`]+)`", values))
        kind = row.get("type", "").split(" ")[0]
        for name in names:
            metrics[name] = (kind, labels)
    return metrics


def load_rules():
    rules = []
    for path in RULES:
        document = yaml.safe_load(open(path, encoding="utf-8")) or {}
        for group in document.get("groups", []):
            for rule in group.get("rules", []):
                rules.append((relative(path), rule))
    return rules


TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>[0-9][0-9a-zA-Z_.]*|\.[0-9][0-9a-zA-Z_.]*)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^=<>{}()\[\],@])
""", re.VERBOSE)


def tokens(expr):
    position = 0
    out = []
    while position < len(expr):
        match = TOKEN.match(expr, position)
        if not match:
            raise ValueError(f"cannot read the expression at {expr[position:position + 20]!r}")
        position = match.end()
        if match.lastgroup != "space":
            out.append((match.lastgroup, match.group()))
    return out


def read_expression(expr):
    """(selectors, grouping labels): each selector a (metric name, [(label, operator, value)])."""
    found = tokens(expr)
    selectors, grouping = [], []
    i = 0
    while i < len(found):
        kind, text = found[i]
        following = found[i + 1][1] if i + 1 < len(found) else None
        if kind == "op" and text == "[":
            # A range or a subquery: durations and a step, no names.
            while i < len(found) and found[i][1] != "]":
                i += 1
        elif kind == "op" and text == "{":
            raise ValueError("a selector without a metric name before its braces")
        elif kind == "ident" and text in GROUPING:
            i += 1
            if following == "(":
                i += 1
                while found[i][1] != ")":
                    if found[i][0] == "ident":
                        grouping.append(found[i][1])
                    i += 1
            continue
        elif kind == "ident" and (following == "(" or text in AGGREGATIONS or text.lower() in KEYWORDS):
            pass
        elif kind == "ident":
            matched = []
            if following == "{":
                i += 2
                while found[i][1] != "}":
                    if found[i][0] == "ident" and found[i + 1][1] in ("=", "!=", "=~", "!~"):
                        matched.append((found[i][1], found[i + 1][1], found[i + 2][1][1:-1]))
                    i += 1
            selectors.append((text, matched))
        i += 1
    return selectors, grouping


def contract_names():
    """(contract, names recorded by a rule, every label of the contract): what an expression may read."""
    contract = load_contract()
    recorded = {rule["record"] for _, rule in load_rules() if "record" in rule}
    every_label = set(SCRAPE_LABELS) | {"le"}
    for _, labels in contract.values():
        every_label |= set(labels)
    return contract, recorded, every_label


def expression_problems(expr, contract, recorded, every_label):
    """What one PromQL expression reads that ops/metrics.md does not list: metrics, labels and label values."""
    try:
        selectors, grouping = read_expression(expr)
    except ValueError as error:
        return [str(error)]
    problems = []
    for metric, matched in selectors:
        if metric in recorded:
            continue
        base = next((metric[:-len(s)] for s in HISTOGRAM_SUFFIXES if metric.endswith(s)), None)
        if metric in contract and contract[metric][0] != "histogram":
            allowed = {**contract[metric][1], **SCRAPE_VALUES}
        elif base in contract and contract[base][0] == "histogram":
            allowed = {**contract[base][1], **SCRAPE_VALUES, **({"le": set()} if metric.endswith("_bucket") else {})}
        elif metric in contract:
            problems.append(f"{metric} is a histogram; read its _bucket, _count or _sum")
            continue
        else:
            problems.append(f"{metric} is not in {relative(CONTRACT)}")
            continue
        for label, operator, value in matched:
            if label not in allowed and label not in SCRAPE_LABELS:
                problems.append(f"{metric} has no label {label} in {relative(CONTRACT)}")
                continue
            # An equality, or a regex that is only alternatives (a|b), must name values the table lists.
            listed = allowed.get(label, set())
            words = value.split("|") if operator in ("=~", "!~") else [value]
            if listed and all(re.fullmatch(r"\w+", w) for w in words):
                for word in (w for w in words if w not in listed):
                    problems.append(f"{metric}: {label} is never {word!r} in {relative(CONTRACT)}")
    for label in grouping:
        if label not in every_label:
            problems.append(f"no metric of {relative(CONTRACT)} has the label {label}")
    return problems


def check_metrics():
    contract, recorded, every_label = contract_names()
    if not contract:
        return [f"{relative(CONTRACT)}: no metric found in its tables"]
    problems = []
    for path, rule in load_rules():
        name = rule.get("alert") or rule.get("record")
        for problem in expression_problems(str(rule.get("expr", "")), contract, recorded, every_label):
            problems.append(f"{path}: {name}: {problem}")
    return problems


def anchor(heading):
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def runbook_sections():
    """Anchors of the level-3 headings under "## Runbooks"."""
    sections, inside = [], False
    for line in open(RUNBOOKS, encoding="utf-8"):
        if line.startswith("## "):
            inside = line[3:].strip() == "Runbooks"
        elif inside and line.startswith("### "):
            sections.append(anchor(line[4:]))
    return sections


def alerts():
    return [(path, rule) for path, rule in load_rules() if "alert" in rule]


def check_runbooks():
    if not os.path.exists(RUNBOOKS):
        return [f"{relative(RUNBOOKS)} does not exist"]
    sections = runbook_sections()
    problems, linked = [], set()
    for path, rule in alerts():
        name = rule["alert"]
        severity = (rule.get("labels") or {}).get("severity")
        if severity not in SEVERITIES:
            problems.append(f"{path}: {name}: severity is {severity!r}, not one of {', '.join(SEVERITIES)}")
        annotations = rule.get("annotations") or {}
        for key in ANNOTATIONS:
            if not str(annotations.get(key, "")).strip():
                problems.append(f"{path}: {name}: no {key} annotation")
        url = str(annotations.get("runbook_url", ""))
        if url and not url.startswith(RUNBOOK_LINK):
            problems.append(f"{path}: {name}: runbook_url {url} is not a section of {RUNBOOK_LINK[:-1]}")
        elif url and url[len(RUNBOOK_LINK):] not in sections:
            problems.append(f"{path}: {name}: {relative(RUNBOOKS)} has no runbook #{url[len(RUNBOOK_LINK):]}")
        linked.add(url[len(RUNBOOK_LINK):])
    for section in sections:
        if section not in linked:
            problems.append(f"{relative(RUNBOOKS)}: the runbook #{section} belongs to no alert")
    return problems


def check_tests():
    fires, quiet, problems = set(), set(), []
    for path in TESTS:
        document = yaml.safe_load(open(path, encoding="utf-8")) or {}
        for test in document.get("tests", []):
            for case in test.get("alert_rule_test", []) or []:
                expected = case.get("exp_alerts") or []
                severities = {(a.get("exp_labels") or {}).get("severity") for a in expected}
                for alert in expected:
                    missing = [k for k in ANNOTATIONS if k not in (alert.get("exp_annotations") or {})]
                    if missing:
                        problems.append(f"{relative(path)}: {test.get('name')}: {case['alertname']} at "
                                        f"{case.get('eval_time')} does not check its {', '.join(missing)}")
                for severity in SEVERITIES:
                    (fires if severity in severities else quiet).add((case["alertname"], severity))
    for path, rule in alerts():
        key = (rule["alert"], (rule.get("labels") or {}).get("severity"))
        if key not in fires:
            problems.append(f"{path}: {key[0]} ({key[1]}) has no test where it fires")
        if key not in quiet:
            problems.append(f"{path}: {key[0]} ({key[1]}) has no test where it stays quiet")
    return problems


CHECKS = {"metrics": check_metrics, "runbooks": check_runbooks, "tests": check_tests}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)}")
    if not RULES:
        sys.exit("[ops-rules-check] no rule file in ops/prometheus/rules")
    found = CHECKS[sys.argv[1]]()
    for problem in found:
        print(f"[ops-rules-check] {problem}")
    sys.exit(1 if found else 0)
