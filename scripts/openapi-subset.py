#!/usr/bin/env python3
"""Copy chosen operations of GitHub's OpenAPI description, with every
component they reference, into a smaller description.

usage: subset.py api.github.com.json out.json 'METHOD /path' ...
"""
import json, sys

src, out, ops = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = json.load(open(src))
paths = {}
for op in ops:
    method, path = op.split(" ", 1)
    item = doc["paths"][path]
    dst = paths.setdefault(path, {})
    if "parameters" in item:
        dst["parameters"] = item["parameters"]
    dst[method.lower()] = item[method.lower()]

comps = {}
def walk(v):
    if isinstance(v, dict):
        r = v.get("$ref")
        if isinstance(r, str) and r.startswith("#/components/"):
            _, _, kind, name = r.split("/", 3)
            if name not in comps.setdefault(kind, {}):
                comps[kind][name] = doc["components"][kind][name]
                walk(comps[kind][name])
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(paths)
res = {k: doc[k] for k in ("openapi", "info", "servers") if k in doc}
res["paths"] = paths
res["components"] = {k: dict(sorted(v.items())) for k, v in sorted(comps.items())}
json.dump(res, open(out, "w"), indent=1, sort_keys=False)
print(len(ops), "operations,", sum(len(v) for v in comps.values()), "components")
