#!/usr/bin/env python3
"""Kubernetes JSON schemas for kubeconform, made from the OpenAPI documents Kubernetes ships.

kubeconform normally downloads its schemas from GitHub, which this project's machines cannot
reach. Kubernetes itself publishes the OpenAPI (v2) document of its API in the source module
k8s.io/kubernetes (api/openapi-spec/swagger.json), which the Go module proxy serves; the
Prometheus operator's module (github.com/prometheus-operator/prometheus-operator) carries its
CRDs as JSON (jsonnet/prometheus-operator/*-crd.json). This script turns both into one JSON
schema file per kind, in the layout kubeconform's -schema-location template
"{{ .ResourceKind }}{{ .KindSuffix }}.json" expects (deployment-apps-v1.json, service-v1.json,
servicemonitor-monitoring-v1.json):

  - standalone: every $ref a kind needs is copied into the file's own "definitions";
  - strict: every object that lists its properties rejects others (additionalProperties: false),
    as kubeconform's "-strict" schemas do, so a misspelt or misplaced field fails;
  - the two types whose YAML form is wider than their OpenAPI type: IntOrString (string or
    integer) and resource.Quantity (string or number, "cpu: 1").

Standard library only.

  k8s_schemas.py OUT_DIR --swagger swagger.json [--crd servicemonitors-crd.json ...]
"""

import argparse
import copy
import json
import os
import sys

QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# The serialised form Kubernetes accepts (k8s.io/apimachinery/pkg/api/resource).
QUANTITY_PATTERN = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
DROP_KEYS = {"description", "example"}


def kind_suffix(group, version):
    # kubeconform: "-" + first label of the group (if any) + "-" + version, lower case.
    if group:
        return "-" + group.split(".")[0].lower() + "-" + version.lower()
    return "-" + version.lower()


def clean(node):
    """Copies an OpenAPI schema node: descriptions dropped, int-or-string widened, strict objects."""
    if isinstance(node, list):
        return [clean(x) for x in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string" or node.get("x-kubernetes-int-or-string") is True:
        return copy.deepcopy(INT_OR_STRING)
    out = {}
    for key, value in node.items():
        if key in DROP_KEYS:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: clean(sub) for name, sub in value.items()}
        else:
            out[key] = clean(value)
    if "properties" in out and "additionalProperties" not in out and not node.get(
        "x-kubernetes-preserve-unknown-fields"
    ):
        out["additionalProperties"] = False
    return out


def refs_in(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.add(ref[len("#/definitions/"):])
        for value in node.values():
            refs_in(value, found)
    elif isinstance(node, list):
        for value in node:
            refs_in(value, found)


def from_swagger(path, out_dir):
    with open(path, encoding="utf-8") as f:
        swagger = json.load(f)
    definitions = {}
    for name, schema in swagger["definitions"].items():
        if name == QUANTITY:
            definitions[name] = {"oneOf": [{"type": "string", "pattern": QUANTITY_PATTERN}, {"type": "number"}]}
        else:
            definitions[name] = clean(schema)
    written = 0
    for name, schema in swagger["definitions"].items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            needed, queue = set(), [name]
            while queue:
                current = queue.pop()
                if current in needed:
                    continue
                needed.add(current)
                refs = set()
                refs_in(definitions[current], refs)
                queue.extend(sorted(refs - needed))
            document = copy.deepcopy(definitions[name])
            # Objects read from files name their kind; the API's own "status" is optional anyway.
            document["definitions"] = {n: definitions[n] for n in sorted(needed)}
            file = f"{gvk['kind'].lower()}{kind_suffix(gvk['group'], gvk['version'])}.json"
            with open(os.path.join(out_dir, file), "w", encoding="utf-8") as f:
                json.dump(document, f, separators=(",", ":"), sort_keys=True)
            written += 1
    return written


def from_crd(path, out_dir):
    with open(path, encoding="utf-8") as f:
        crd = json.load(f)
    spec = crd["spec"]
    written = 0
    for version in spec["versions"]:
        schema = clean(version["schema"]["openAPIV3Schema"])
        # A CRD's schema leaves metadata open; the API server validates it like any object's.
        schema.setdefault("properties", {})["metadata"] = {"type": "object"}
        file = f"{spec['names']['kind'].lower()}{kind_suffix(spec['group'], version['name'])}.json"
        with open(os.path.join(out_dir, file), "w", encoding="utf-8") as f:
            json.dump(schema, f, separators=(",", ":"), sort_keys=True)
        written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--swagger", required=True, help="Kubernetes api/openapi-spec/swagger.json")
    parser.add_argument("--crd", action="append", default=[], help="a CustomResourceDefinition as JSON")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    count = from_swagger(args.swagger, args.out_dir)
    for crd in args.crd:
        count += from_crd(crd, args.out_dir)
    if count == 0:
        print("k8s_schemas.py: no kinds found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
