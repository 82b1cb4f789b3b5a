#!/usr/bin/env python3
"""Cross-checks of the hub's operations files, standard library only (scripts/ops_check.sh).

  ops_validate.py catalogue            metrics in the code <-> the catalogue in docs/operations.md
  ops_validate.py rules                rules query catalogued metrics; every alert has a runbook
                                       section and a promtool unit test
  ops_validate.py dashboards           Grafana JSON well formed, on the ${datasource} variable, a row
                                       per service and a journey row, every query on known metrics
  ops_validate.py docker [BINARY_DIR]  deploy/docker/Dockerfile: buildable binaries are CMake
                                       targets; its runtime packages are those the binaries link
  ops_validate.py names FILE           every metric name in FILE (one a line) is catalogued
  ops_validate.py dashboard-rules OUT  writes every dashboard query as a recording rule into OUT,
                                       variables filled in, for `promtool check rules` (PromQL syntax)

Prints nothing and exits 0 when everything holds; otherwise one line per problem and exit 1.
"""

import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CATALOGUE = os.path.join(ROOT, "docs", "operations.md")
RULES = sorted(glob.glob(os.path.join(ROOT, "deploy", "prometheus", "rules", "*.yml")))
RULE_TESTS = sorted(glob.glob(os.path.join(ROOT, "deploy", "prometheus", "tests", "*.yml")))
DASHBOARDS = sorted(glob.glob(os.path.join(ROOT, "deploy", "grafana", "dashboards", "*.json")))
DOCKERFILE = os.path.join(ROOT, "deploy", "docker", "Dockerfile")
SERVICES = ["intake", "plan", "referral", "beschikking", "audit"]
# Part of debian:bookworm-slim itself (the C and C++ runtime): not installed by the Dockerfile.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
# Read at run time, not linked: the Dutch local date (tzdata) and TLS to Kafka (ca-certificates).
RUNTIME_DATA_PACKAGES = {"tzdata", "ca-certificates"}

PROMQL_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "offset", "inf", "nan", "atan2", "start", "end",
}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

problems = []


def problem(message):
    problems.append(message)


# ---- the catalogue ---------------------------------------------------------------------------------

def read_catalogue():
    """{name: {"type": ..., "planned": bool}} from the table rows "| `name` | type | ..." ."""
    catalogue = {}
    with open(CATALOGUE, encoding="utf-8") as f:
        for line in f:
            match = re.match(r"^\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|", line)
            if not match:
                continue
            name, kind, _labels, exported_by = match.groups()
            if name in catalogue:
                problem(f"docs/operations.md: {name} is listed twice")
            catalogue[name] = {"type": kind.strip().split()[0], "planned": "(planned)" in exported_by}
    if not catalogue:
        problem("docs/operations.md: no metrics catalogue table found")
    return catalogue


def code_metrics():
    """{name: [files]} for every .Name("...") prometheus-cpp registers in services/ and common/."""
    found = {}
    for top in ("services", "common"):
        for path in glob.glob(os.path.join(ROOT, top, "**", "*.cc"), recursive=True) + glob.glob(
            os.path.join(ROOT, top, "**", "*.h"), recursive=True
        ):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for name in re.findall(r'\.Name\(\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"\s*\)', text):
                found.setdefault(name, []).append(os.path.relpath(path, ROOT))
    return found


def check_catalogue():
    catalogue = read_catalogue()
    in_code = code_metrics()
    for name, files in sorted(in_code.items()):
        entry = catalogue.get(name)
        if entry is None:
            problem(f"{files[0]}: metric {name} is not in the catalogue (docs/operations.md)")
        elif entry["planned"]:
            problem(f"docs/operations.md: {name} is exported by {files[0]} now; drop '(planned)'")
        if not name.startswith("hub_"):
            problem(f"{files[0]}: metric {name} lacks the hub_ prefix")
    for name, entry in sorted(catalogue.items()):
        if name.startswith("hub_") and not entry["planned"] and name not in in_code:
            problem(f"docs/operations.md: {name} is not registered anywhere in services/ or common/; "
                    "remove it or mark it '(planned)'")
        if name.startswith("hub_"):
            if entry["type"] == "counter" and not name.endswith("_total"):
                problem(f"docs/operations.md: counter {name} must end in _total")
            if entry["type"] == "histogram" and not name.endswith("_seconds") and "_seconds" in name:
                problem(f"docs/operations.md: histogram {name}: base unit suffix last")
            if entry["type"] != "counter" and name.endswith("_total"):
                problem(f"docs/operations.md: {name} ends in _total but is a {entry['type']}")


# ---- PromQL ----------------------------------------------------------------------------------------

def metric_names(expr):
    """The metric (and recording rule) names a PromQL expression reads."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    text = re.sub(r"\$\{[^}]*\}|\$\w+", "", text)  # Grafana variables
    text = re.sub(r"\{[^{}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\[\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])", text):
        name = match.group(1)
        rest = text[match.end():]
        if re.match(r"\s*\(", rest) or name.lower() in PROMQL_KEYWORDS:
            continue
        names.add(name)
    return names


def known(name, catalogue, recorded):
    if name in catalogue or name in recorded:
        return True
    for suffix in HISTOGRAM_SUFFIXES:
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and base in catalogue and catalogue[base]["type"] in ("histogram", "summary"):
            return True
    return False


def read_rules(path):
    """[(kind, name, expr, annotations)] from a rules file (the block and inline forms we write)."""
    rules = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    current = None
    i = 0
    while i < len(lines):
        line = lines[i]
        head = re.match(r"^\s*-\s*(record|alert):\s*(\S+)\s*$", line)
        if head:
            current = {"kind": head.group(1), "name": head.group(2), "expr": "", "runbook": None, "line": i + 1}
            rules.append(current)
        expr = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if expr and current is not None:
            value = expr.group(2).strip()
            if value in ("|", ">", "|-", ">-"):
                indent = len(expr.group(1))
                body = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    body.append(lines[i])
                    i += 1
                current["expr"] = "\n".join(body)
                continue
            current["expr"] = value.strip("'\"")
        runbook = re.match(r"^\s*runbook:\s*(\S+)\s*$", line)
        if runbook and current is not None:
            current["runbook"] = runbook.group(1)
        i += 1
    return rules


def all_rules():
    out = []
    for path in RULES:
        for rule in read_rules(path):
            rule["file"] = os.path.relpath(path, ROOT)
            out.append(rule)
    return out


def recorded_names():
    return {rule["name"] for rule in all_rules() if rule["kind"] == "record"}


def runbook_anchors():
    anchors = set()
    with open(CATALOGUE, encoding="utf-8") as f:
        for line in f:
            match = re.match(r"^#+\s+(.*?)\s*$", line)
            if match:
                anchor = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
                anchors.add(anchor)
    return anchors


def check_rules():
    catalogue = read_catalogue()
    rules = all_rules()
    recorded = {rule["name"] for rule in rules if rule["kind"] == "record"}
    anchors = runbook_anchors()
    tested = set()
    for path in RULE_TESTS:
        with open(path, encoding="utf-8") as f:
            tested.update(re.findall(r"^\s*alertname:\s*(\S+)\s*$", f.read(), flags=re.M))
    if not rules:
        problem("deploy/prometheus/rules: no rules found")
    for rule in rules:
        where = f"{rule['file']}:{rule['line']} {rule['name']}"
        if not rule["expr"].strip():
            problem(f"{where}: no expr")
        for name in sorted(metric_names(rule["expr"])):
            if not known(name, catalogue, recorded):
                problem(f"{where}: queries {name}, which is neither in the catalogue nor a recording rule")
        if rule["kind"] == "record" and rule["name"].count(":") != 2:
            problem(f"{where}: recording rule names are level:metric:operation")
        if rule["kind"] == "alert":
            runbook = rule["runbook"] or ""
            if not runbook.startswith("docs/operations.md#"):
                problem(f"{where}: needs annotation runbook: docs/operations.md#<anchor>")
            elif runbook.split("#", 1)[1] not in anchors:
                problem(f"{where}: runbook anchor {runbook} has no heading in docs/operations.md")
            if rule["name"] not in tested:
                problem(f"{where}: no promtool unit test in deploy/prometheus/tests (alertname: {rule['name']})")


# ---- Grafana ---------------------------------------------------------------------------------------

def walk_panels(panels):
    for panel in panels:
        yield panel
        yield from walk_panels(panel.get("panels", []))


def check_dashboards():
    catalogue = read_catalogue()
    recorded = recorded_names()
    if not DASHBOARDS:
        problem("deploy/grafana/dashboards: no dashboard")
    for path in DASHBOARDS:
        rel = os.path.relpath(path, ROOT)
        try:
            with open(path, encoding="utf-8") as f:
                dashboard = json.load(f)
        except (OSError, ValueError) as e:
            problem(f"{rel}: not well-formed JSON: {e}")
            continue
        for key in ("uid", "title", "panels", "templating", "schemaVersion"):
            if key not in dashboard:
                problem(f"{rel}: no '{key}'")
        variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
        ds = variables.get("datasource")
        if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
            problem(f"{rel}: needs a template variable 'datasource' of type datasource (query prometheus)")
        for name, variable in variables.items():
            if variable.get("type") == "query":
                query = variable.get("query")
                query = query.get("query", "") if isinstance(query, dict) else (query or "")
                match = re.match(r"^\s*label_values\((.*),\s*\w+\s*\)\s*$", query)
                expr = match.group(1) if match else query
                for metric in sorted(metric_names(expr)):
                    if not known(metric, catalogue, recorded):
                        problem(f"{rel}: variable {name} queries {metric}, not in the catalogue")
                if (variable.get("datasource") or {}).get("uid") != "${datasource}":
                    problem(f"{rel}: variable {name} must use the ${{datasource}} variable")
        ids = set()
        rows = []
        for panel in walk_panels(dashboard.get("panels", [])):
            title = panel.get("title", "?")
            pid = panel.get("id")
            if pid in ids:
                problem(f"{rel}: panel id {pid} used twice ({title})")
            ids.add(pid)
            if "gridPos" not in panel:
                problem(f"{rel}: panel '{title}' has no gridPos")
            if panel.get("type") == "row":
                rows.append(title.lower())
                continue
            datasource = panel.get("datasource") or {}
            if datasource.get("uid") != "${datasource}":
                problem(f"{rel}: panel '{title}' must use the ${{datasource}} variable")
            targets = panel.get("targets") or []
            if not targets:
                problem(f"{rel}: panel '{title}' has no query")
            for target in targets:
                if (target.get("datasource") or {}).get("uid", "${datasource}") != "${datasource}":
                    problem(f"{rel}: a query of panel '{title}' names another data source")
                expr = target.get("expr", "")
                if not expr.strip():
                    problem(f"{rel}: panel '{title}' has an empty query")
                for metric in sorted(metric_names(expr)):
                    if not known(metric, catalogue, recorded):
                        problem(f"{rel}: panel '{title}' queries {metric}, which is not in the catalogue")
        for needed in SERVICES + ["journey"]:
            if not any(needed in row for row in rows):
                problem(f"{rel}: no row for '{needed}' (rows: {', '.join(rows)})")


# ---- the container image ---------------------------------------------------------------------------

def dockerfile_facts():
    with open(DOCKERFILE, encoding="utf-8") as f:
        text = f.read()
    joined = re.sub(r"\\\n", " ", text)
    stages = re.split(r"(?m)^FROM\s+", joined)[1:]
    case = re.search(r'case\s+"\$\{SERVICE\}"\s+in\s+([\w|]+)\)', joined)
    services = case.group(1).split("|") if case else []
    final = stages[-1] if stages else ""
    install = re.search(r"apt-get install -y --no-install-recommends((?:\s+[\w.+-]+)+)", final)
    packages = install.group(1).split() if install else []
    probe = re.search(r"ARG GRPC_HEALTH_PROBE_VERSION=(\S+)", joined)
    return text, joined, services, packages, probe.group(1) if probe else None


def linked_packages(binaries):
    """The Debian packages owning the shared libraries `ldd` shows for the binaries."""
    libraries = set()
    for binary in binaries:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout
        libraries.update(re.findall(r"=>\s+(\S+)\s+\(", out))
    candidates = {lib: {lib, os.path.realpath(lib)} for lib in libraries}
    paths = sorted(set().union(*candidates.values())) if candidates else []
    # One dpkg -S for every path (it is slow per call); paths no package owns go to stderr.
    out = subprocess.run(["dpkg", "-S"] + paths, capture_output=True, text=True, check=False).stdout if paths else ""
    owner_of = {}
    for line in out.splitlines():
        match = re.match(r"^([^:]+(?::[a-z0-9]+)?(?:, [^:]+)*):\s+(/\S+)$", line)
        if match and not line.startswith("diversion"):
            owner_of[match.group(2)] = match.group(1).split(",")[0].split(":")[0].strip()
    packages = set()
    for lib, paths_of_lib in sorted(candidates.items()):
        owners = {owner_of[p] for p in paths_of_lib if p in owner_of}
        if not owners:
            problem(f"{', '.join(binaries)}: link {lib}, which no Debian package owns")
        packages |= owners
    return packages


def check_docker(binary_dir, probe_version):
    text, joined, services, packages, probe = dockerfile_facts()
    rel = os.path.relpath(DOCKERFILE, ROOT)
    if not services:
        problem(f"{rel}: no 'case \"${{SERVICE}}\" in a|b)' list of buildable binaries")
    for name in services:
        cmake = os.path.join(ROOT, "services", name, "CMakeLists.txt")
        ok = os.path.exists(cmake) and re.search(
            r"add_executable\(\s*" + re.escape(name) + r"\s", open(cmake, encoding="utf-8").read()
        )
        if not ok:
            problem(f"{rel}: SERVICE {name} is not add_executable({name}) in services/{name}/CMakeLists.txt")
    if '"/build/services/${SERVICE}/${SERVICE}"' not in joined:
        problem(f"{rel}: the binary must be copied from /build/services/${{SERVICE}}/${{SERVICE}}")
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        top = f.read()
    for option in re.findall(r"-D(HUB_\w+)=", joined):
        if not re.search(r"option\(\s*" + option + r"\s", top):
            problem(f"{rel}: -D{option} is not an option() of CMakeLists.txt")
    if "source scripts/lib/common.sh && hub_install_packages" not in joined:
        problem(f"{rel}: the build stage must install the packages of scripts/lib/common.sh")
    if probe_version and probe != probe_version:
        problem(f"{rel}: GRPC_HEALTH_PROBE_VERSION {probe} differs from scripts/lib/ops_tools.sh ({probe_version})")
    if not packages:
        problem(f"{rel}: no 'apt-get install -y --no-install-recommends ...' in the final stage")
        return
    if not re.search(r"(?m)^USER\s+\d+", text):
        problem(f"{rel}: the final stage must run as a numeric non-root USER")
    if "HEALTHCHECK" not in text:
        problem(f"{rel}: no HEALTHCHECK")
    built = [os.path.join(binary_dir, n, n) for n in services if os.path.isfile(os.path.join(binary_dir, n, n))]
    if not built:
        print(f"ops_validate: no binary built under {binary_dir}; runtime packages not compared with ldd",
              file=sys.stderr)
        return
    linked = linked_packages(built)
    want = (linked - BASE_IMAGE_PACKAGES) | RUNTIME_DATA_PACKAGES
    have = set(packages)
    names = ", ".join(os.path.basename(b) for b in built)
    for missing in sorted(want - have):
        problem(f"{rel}: the binaries ({names}) link a library of {missing}, which the final stage does not install")
    for extra in sorted(have - want):
        problem(f"{rel}: the final stage installs {extra}, which none of the binaries ({names}) links")


def dashboard_rules(out):
    """Every panel query and variable query of the dashboards as a rules file promtool can parse."""
    substitutions = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "${datasource}": ""}
    lines = ["# Generated by scripts/lib/ops_validate.py dashboard-rules: the dashboards' queries.",
             "groups:", "  - name: dashboard-queries", "    rules:"]
    count = 0
    for path in DASHBOARDS:
        with open(path, encoding="utf-8") as f:
            dashboard = json.load(f)
        exprs = [t.get("expr", "") for p in walk_panels(dashboard.get("panels", [])) for t in p.get("targets") or []]
        for variable in dashboard.get("templating", {}).get("list", []):
            query = variable.get("query")
            query = query.get("query", "") if isinstance(query, dict) else (query or "")
            match = re.match(r"^\s*label_values\((.*),\s*\w+\s*\)\s*$", query)
            if variable.get("type") == "query":
                exprs.append(match.group(1) if match else query)
        for expr in exprs:
            for key, value in substitutions.items():
                expr = expr.replace(key, value)
            expr = re.sub(r"\$\{?(\w+)\}?", ".*", expr)  # $job, $tenant: the "All" value
            count += 1
            lines.append(f"      - record: dashboard:query:{count}")
            lines.append("        expr: " + json.dumps(expr))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if count == 0:
        problem("no dashboard queries")


def check_names(path):
    catalogue = read_catalogue()
    with open(path, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        problem(f"{path}: no metric names")
    for name in names:
        if not known(name, catalogue, set()):
            problem(f"metric {name} is exported but not in the catalogue (docs/operations.md)")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[1]
    if command == "catalogue":
        check_catalogue()
    elif command == "rules":
        check_rules()
    elif command == "dashboards":
        check_dashboards()
    elif command == "docker":
        binary_dir = argv[2] if len(argv) > 2 else os.path.join(ROOT, "build", "services")
        probe_version = argv[3] if len(argv) > 3 else None
        check_docker(binary_dir, probe_version)
    elif command == "names":
        check_names(argv[2])
    elif command == "dashboard-rules":
        dashboard_rules(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for message in problems:
        print(message, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
