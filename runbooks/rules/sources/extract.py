#!/usr/bin/env python3
"""Extract each tool's rule list from its upstream source into runbooks/rules/<tool>.yaml.

Usage: extract.py MIRROR_ROOT
MIRROR_ROOT holds bare clones named <owner>+<name>/repo (what the `fetch`
tool of the authoring session produced). Every list is read with `git show
HEAD:<path>` from the commit recorded in the output header; nothing of the
upstream code is executed or copied besides ids, titles and default flags.
"""
import os, re, subprocess, sys, tomllib
import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror"
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def git(repo, *args):
    return subprocess.run(["git", "-C", os.path.join(ROOT, repo, "repo"), *args],
                          check=True, capture_output=True, text=True).stdout


def head(repo):
    return git(repo, "rev-parse", "HEAD").strip()


def ls(repo, path):
    return [l for l in git(repo, "ls-tree", "-r", "--name-only", "HEAD", path).splitlines()]


def show(repo, path):
    return git(repo, "show", "HEAD:" + path)


def write(tool, repo, path, rules, note=""):
    rules.sort(key=lambda r: r["id"])
    seen = set()
    for r in rules:
        if r["id"] in seen:
            raise SystemExit(f"{tool}: duplicate id {r['id']}")
        seen.add(r["id"])
    doc = {
        "tool": tool,
        "source": {"repo": "github.com/" + repo.replace("+", "/"), "commit": head(repo), "path": path},
        "rules": rules,
    }
    if note:
        doc["note"] = note
    with open(os.path.join(OUT, tool + ".yaml"), "w") as fh:
        fh.write(f"# Rule list of {tool}, extracted by runbooks/rules/sources/extract.py from\n")
        fh.write(f"# github.com/{repo.replace('+', '/')} at {head(repo)}, {path}.\n")
        fh.write("# Do not edit by hand: re-run the script (see runbooks/rules/README.md).\n")
        yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=1000)
    print(f"{tool}: {len(rules)} rules, {sum(1 for r in rules if r['default'])} default")


def rego_meta(text):
    m = re.match(r"((?:#.*\n)+)", text)
    if not m or "METADATA" not in m.group(1):
        return None
    body = "\n".join(l[2:] if l.startswith("# ") else l[1:] for l in m.group(1).splitlines()[1:])
    return yaml.safe_load(body)


def trivy_checks():
    repo = "aquasecurity+trivy-checks"
    trivy, tfsec = [], []
    for p in ls(repo, "checks"):
        if not p.endswith(".rego") or p.endswith("_test.rego"):
            continue
        meta = rego_meta(show(repo, p))
        if not meta or "custom" not in meta:
            continue
        c = meta["custom"]
        if not c.get("id"):
            continue
        deprecated = bool(c.get("deprecated"))
        rule = {"id": c["id"], "title": str(meta.get("title", "")).strip(), "default": not deprecated,
                "aliases": [a for a in c.get("aliases", []) if a != c["id"]], "path": p}
        if c.get("severity"):
            rule["severity"] = c["severity"]
        trivy.append(rule)
        # tfsec reports the long id of the cloud checks it runs on Terraform.
        if p.startswith("checks/cloud/") and c.get("long_id") and "terraform" in meta_examples(repo, c):
            tfsec.append({"id": c["long_id"], "title": rule["title"], "default": not deprecated,
                          "aliases": [c["id"], "AVD-" + c["id"]], "path": p})
    write("trivy", repo, "checks/**/*.rego (METADATA custom.id; deprecated checks default: false)", trivy)
    return tfsec


def meta_examples(repo, c):
    ex = c.get("examples")
    if not ex:
        return {}
    try:
        return yaml.safe_load(show(repo, ex)) or {}
    except subprocess.CalledProcessError:
        return {}


def tfsec(from_trivy):
    # tfsec's own docs/checks tree lists the ids it ships; the titles and the
    # AVD ids come from trivy-checks (tfsec runs those checks since v1.28).
    repo = "aquasecurity+tfsec"
    ids = {}
    for p in ls(repo, "docs/checks"):
        parts = p.split("/")
        if len(parts) == 6 and parts[-1] == "index.md":
            ids["-".join(parts[2:5])] = p
    by_id = {r["id"]: r for r in from_trivy}
    rules = []
    for i in sorted(ids):
        r = by_id.get(i)
        if r is None:
            title = re.search(r"^title: (.*)$", show(repo, ids[i]), re.M)
            r = {"id": i, "title": title.group(1).strip() if title else "", "default": True, "aliases": []}
        r = dict(r)
        r["path"] = ids[i]
        rules.append(r)
    write("tfsec", repo, "docs/checks/<provider>/<service>/<check>/index.md (ids); titles and AVD ids from trivy-checks", rules)


def kube_linter():
    repo = "stackrox+kube-linter"
    defaults = set(re.findall(r'^\s*"([a-z0-9-]+)",', show(repo, "internal/defaultchecks/default_checks.go"), re.M))
    rules = []
    for p in ls(repo, "pkg/builtinchecks/yamls"):
        d = yaml.safe_load(show(repo, p))
        desc = " ".join(str(d.get("description", "")).split())
        rules.append({"id": d["name"], "title": desc.split(". ")[0][:160], "default": d["name"] in defaults})
    write("kube-linter", repo, "pkg/builtinchecks/yamls/*.yaml; default set: internal/defaultchecks/default_checks.go", rules)


def kube_score():
    repo = "zegl+kube-score"
    rules = []
    call = re.compile(r'\.Register(Optional)?(\w*?)Check\(\s*"([^"]+)"\s*,\s*(?:"([^"]*)"|`([^`]*)`)', re.S)
    for p in ls(repo, "score"):
        if not p.endswith(".go") or p.endswith("_test.go"):
            continue
        for m in call.finditer(show(repo, p)):
            name = m.group(3)
            rules.append({"id": name.lower().replace(" ", "-"), "title": name, "default": not m.group(1)})
    write("kube-score", repo, "score/**/*.go (Register*Check calls; RegisterOptional* = default: false)", rules)


def polaris():
    repo = "FairwindsOps+polaris"
    cfg = yaml.safe_load(show(repo, "pkg/config/default.yaml"))["checks"]
    rules = []
    for p in ls(repo, "pkg/config/checks"):
        if not p.endswith(".yaml"):
            continue
        d = yaml.safe_load(show(repo, p))
        cid = os.path.basename(p)[:-5]
        rules.append({"id": cid, "title": str(d.get("failureMessage", "")).strip(), "default": cfg.get(cid, "ignore") != "ignore"})
    write("polaris", repo, "pkg/config/checks/*.yaml; default set: pkg/config/default.yaml checks", rules)


def hadolint():
    repo = "hadolint+hadolint"
    rules = []
    for m in re.finditer(r"^\|\s*\[?(DL\d{4}|SC\d{4})\]?(?:\([^)]*\))?\s*\|\s*([^|]*)\|\s*(.*?)\s*\|\s*$", show(repo, "README.md"), re.M):
        desc = m.group(3) if m.group(3) else m.group(2)
        rules.append({"id": m.group(1), "title": " ".join(desc.split()), "default": True})
    # Deduplicate (the README lists a few codes twice in some versions).
    uniq = {}
    for r in rules:
        uniq.setdefault(r["id"], r)
    write("hadolint", repo, "README.md (Rules table; every rule is on by default)", list(uniq.values()))


def tflint_terraform():
    repo = "terraform-linters+tflint-ruleset-terraform"
    readme = show(repo, "docs/rules/README.md")
    rules = []
    for m in re.finditer(r"^\|\s*\[(terraform_\w+)\]\([^)]*\)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$", readme, re.M):
        rules.append({"id": m.group(1), "title": m.group(2), "default": "✔" in m.group(3)})
    write("tflint", repo, "docs/rules/README.md (Recommended column = the default `recommended` preset)", rules,
          note="tflint-ruleset-terraform with preset \"recommended\" (the default when the plugin has no preset set); "
               "provider rulesets (aws, google, azurerm) are not listed.")


def gitleaks():
    repo = "gitleaks+gitleaks"
    cfg = tomllib.loads(show(repo, "config/gitleaks.toml"))
    rules = [{"id": r["id"], "title": " ".join(r.get("description", "").split()), "default": True} for r in cfg["rules"]]
    write("gitleaks", repo, "config/gitleaks.toml (the default config: every rule is on)", rules)


def shellcheck():
    repo = "koalaman+shellcheck"
    codes = {}
    for p in ls(repo, "src/ShellCheck"):
        if not p.endswith(".hs"):
            continue
        for m in re.finditer(r'\b(?:warn|err|info|style|\w+WithFix|parse\w*At\w*|makeComment\s+\w+)\b[^\n"]{0,60}?\b([1-3]\d{3})\b\s*\$?\s*\(?\s*"((?:[^"\\]|\\.)*)"', show(repo, p)):
            code = "SC" + m.group(1)
            codes.setdefault(code, " ".join(m.group(2).split()))
        # Codes whose message is built elsewhere (parser warnings).
        for m in re.finditer(r'\b(?:warning|parseProblem\w*|parseNote\w*|ErrorC|WarningC|InfoC|StyleC)\b[^\n"]{0,40}?\b([1-3]\d{3})\b', show(repo, p)):
            codes.setdefault("SC" + m.group(1), "")
    top = set(yaml.safe_load(open(os.path.join(OUT, "sources", "shellcheck-top.yaml")))["codes"])
    rules = [{"id": c, "title": t, "default": c in top} for c, t in codes.items()]
    missing = top - set(codes)
    for c in sorted(missing):
        rules.append({"id": c, "title": "", "default": True})
    write("shellcheck", repo, "src/ShellCheck/**/*.hs (codes and messages); default: listed in runbooks/rules/sources/shellcheck-top.yaml", rules,
          note="shellcheck enables every non-optional check; the coverage target is the most frequent codes (shellcheck-top.yaml says where the ranking comes from).")


if __name__ == "__main__":
    only = sys.argv[2:] 
    steps = {"trivy": None, "kube-linter": kube_linter, "kube-score": kube_score, "polaris": polaris,
             "hadolint": hadolint, "tflint": tflint_terraform, "gitleaks": gitleaks, "shellcheck": shellcheck}
    if not only or "trivy" in only or "tfsec" in only:
        tfsec(trivy_checks())
    for name, fn in steps.items():
        if fn and (not only or name in only):
            fn()
