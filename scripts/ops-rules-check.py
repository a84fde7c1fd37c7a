#!/usr/bin/env python3
"""Checks the Prometheus rules and the Grafana boards against what promtool and Grafana cannot know.

  metrics           every metric a rule expression reads is in ops/metrics.md's tables (or recorded by a rule), every
                    label it matches or groups by is one that metric has, and a value it matches is one the table
                    lists (when it lists them)
  runbooks          every alert has a severity (page or ticket), a summary, a description and a runbook_url whose
                    anchor is a heading of docs/operations.md's Runbooks section, and every runbook there belongs to an
                    alert
  tests             every alert, at each of its severities, has a unit test where it fires and one where it does not
  boards            every ops/grafana/dashboards/*.json parses as a JSON object
  board-set         the storefront, checkout-money, messaging and runtime-rules boards are there
  board-uids        every board has a uid, and no two boards share one
  panel-ids         every panel (rows' panels included) has an id, and no two panels of a board share one
  panel-queries     every panel but a row has a query with an expr
  datasources       every panel, query and template variable reads the provisioned Prometheus datasource by its uid
  board-metrics     board queries and template variables follow the rules' "metrics" check
  provisioning      Grafana's provisioning declares that datasource with that uid, and a file provider reading the
                    boards where docker-compose.yml mounts them

Usage: ops-rules-check.py <check>, one of the above. Exits 1 and names each problem when there is one.
"""

import glob
import json
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

DASHBOARDS = os.path.join(ROOT, "ops", "grafana", "dashboards")
BOARDS = ("storefront.json", "checkout-money.json", "messaging.json", "runtime-rules.json")
DATASOURCE_PROVISIONING = os.path.join(ROOT, "ops", "grafana", "provisioning", "datasources", "prometheus.yml")
DASHBOARD_PROVISIONING = os.path.join(ROOT, "ops", "grafana", "provisioning", "dashboards", "marketplace.yml")
# Boards name their datasource by this uid, which provisioning gives it; a name or a default would follow a rename.
DATASOURCE_UID = "prometheus"
# Where docker-compose.yml mounts ops/grafana/dashboards in Grafana's container.
DASHBOARDS_MOUNT = "/var/lib/grafana/dashboards"

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


def load_boards():
    """([(path, board)] of the boards that parse, [problem] for each one that does not)."""
    boards, problems = [], []
    for path in sorted(glob.glob(os.path.join(DASHBOARDS, "*.json"))):
        try:
            board = json.load(open(path, encoding="utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"{relative(path)}: {error}")
            continue
        if not isinstance(board, dict):
            problems.append(f"{relative(path)}: not a JSON object")
            continue
        boards.append((relative(path), board))
    return boards, problems


def panels(board):
    """Every panel of a board, a collapsed row's own panels included."""
    pending = list(board.get("panels") or [])
    while pending:
        panel = pending.pop(0)
        if isinstance(panel, dict):
            yield panel
            pending[0:0] = panel.get("panels") or []


def named(path, panel):
    return f"{path}: panel {panel.get('id')} {panel.get('title', '')!r}"


def variable_queries(board):
    """(variable name, its datasource, its query) of every query variable; a query is a string or {"query": …}."""
    for variable in (board.get("templating") or {}).get("list") or []:
        if variable.get("type") == "query":
            query = variable.get("query")
            text = query.get("query", "") if isinstance(query, dict) else query or ""
            yield variable.get("name"), variable.get("datasource"), str(text)


def check_board_files():
    boards, problems = load_boards()
    if not boards and not problems:
        problems.append(f"{relative(DASHBOARDS)}: no board (*.json)")
    return problems


def check_board_set():
    return [f"{relative(os.path.join(DASHBOARDS, name))} does not exist" for name in BOARDS
            if not os.path.isfile(os.path.join(DASHBOARDS, name))]


def check_board_uids():
    problems, owners = [], {}
    for path, board in load_boards()[0]:
        uid = board.get("uid")
        if not uid:
            problems.append(f"{path}: no uid")
        elif uid in owners:
            problems.append(f"{path}: uid {uid!r} is {owners[uid]}'s too")
        else:
            owners[uid] = path
    return problems


def check_panel_ids():
    problems = []
    for path, board in load_boards()[0]:
        seen = set()
        for panel in panels(board):
            if panel.get("id") is None:
                problems.append(f"{named(path, panel)}: no id")
            elif panel["id"] in seen:
                problems.append(f"{named(path, panel)}: another panel has the id {panel['id']}")
            seen.add(panel.get("id"))
    return problems


def check_panel_queries():
    problems = []
    for path, board in load_boards()[0]:
        for panel in panels(board):
            queried = any(str(target.get("expr", "")).strip() for target in panel.get("targets") or [])
            if panel.get("type") != "row" and not queried:
                problems.append(f"{named(path, panel)}: no query with an expr")
    return problems


def check_datasources():
    def reads_prometheus(datasource):
        return isinstance(datasource, dict) and datasource.get("uid") == DATASOURCE_UID

    wanted = f'{{"type": "prometheus", "uid": "{DATASOURCE_UID}"}}'
    problems = []
    for path, board in load_boards()[0]:
        for panel in panels(board):
            if "datasource" in panel and not reads_prometheus(panel["datasource"]):
                problems.append(f"{named(path, panel)}: its datasource is {panel['datasource']!r}, not {wanted}")
            for target in panel.get("targets") or []:
                # A query without a datasource of its own reads the panel's.
                datasource = target.get("datasource", panel.get("datasource"))
                if not reads_prometheus(datasource):
                    problems.append(f"{named(path, panel)}: query {target.get('refId')} reads {datasource!r}, "
                                    f"not {wanted}")
        for name, datasource, _ in variable_queries(board):
            if not reads_prometheus(datasource):
                problems.append(f"{path}: variable {name}: reads {datasource!r}, not {wanted}")
    return problems


LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:(?P<selector>.*\S)\s*,\s*)?(?P<label>\w+)\s*\)\s*$", re.DOTALL)


def check_board_metrics():
    contract, recorded, every_label = contract_names()
    if not contract:
        return [f"{relative(CONTRACT)}: no metric found in its tables"]
    problems = []
    for path, board in load_boards()[0]:
        for panel in panels(board):
            for target in panel.get("targets") or []:
                for problem in expression_problems(str(target.get("expr", "")), contract, recorded, every_label):
                    problems.append(f"{named(path, panel)}: query {target.get('refId')}: {problem}")
        for name, _, query in variable_queries(board):
            # label_values(selector, label): the selector is an expression, the label one it must carry.
            match = LABEL_VALUES.match(query)
            if not match:
                problems.append(f"{path}: variable {name}: {query!r} is not label_values([selector, ]label)")
                continue
            found = expression_problems(match["selector"], contract, recorded, every_label) if match["selector"] else []
            if match["label"] not in every_label:
                found.append(f"no metric of {relative(CONTRACT)} has the label {match['label']}")
            problems.extend(f"{path}: variable {name}: {problem}" for problem in found)
    return problems


def check_provisioning():
    problems = []
    for path in (DATASOURCE_PROVISIONING, DASHBOARD_PROVISIONING):
        if not os.path.isfile(path):
            problems.append(f"{relative(path)} does not exist")
    if problems:
        return problems
    try:
        datasources = (yaml.safe_load(open(DATASOURCE_PROVISIONING, encoding="utf-8")) or {}).get("datasources") or []
        providers = (yaml.safe_load(open(DASHBOARD_PROVISIONING, encoding="utf-8")) or {}).get("providers") or []
    except (yaml.YAMLError, AttributeError) as error:
        return [f"Grafana's provisioning does not read as YAML with datasources and providers: {error}"]
    if not any(d.get("type") == "prometheus" and d.get("uid") == DATASOURCE_UID for d in datasources):
        problems.append(f"{relative(DATASOURCE_PROVISIONING)}: no prometheus datasource with the uid "
                        f"{DATASOURCE_UID!r}, which the boards read")
    if not any(p.get("type") == "file" and (p.get("options") or {}).get("path") == DASHBOARDS_MOUNT for p in providers):
        problems.append(f"{relative(DASHBOARD_PROVISIONING)}: no file provider reading {DASHBOARDS_MOUNT}, where "
                        f"docker-compose.yml mounts {relative(DASHBOARDS)}")
    return problems


CHECKS = {"metrics": check_metrics, "runbooks": check_runbooks, "tests": check_tests, "boards": check_board_files,
          "board-set": check_board_set, "board-uids": check_board_uids, "panel-ids": check_panel_ids,
          "panel-queries": check_panel_queries, "datasources": check_datasources, "board-metrics": check_board_metrics,
          "provisioning": check_provisioning}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(CHECKS)}")
    if not RULES:
        sys.exit("[ops-rules-check] no rule file in ops/prometheus/rules")
    found = CHECKS[sys.argv[1]]()
    for problem in found:
        print(f"[ops-rules-check] {problem}")
    sys.exit(1 if found else 0)
