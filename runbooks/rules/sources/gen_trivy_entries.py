#!/usr/bin/env python3
"""Generate built-in runbook entries for the trivy-checks / tfsec checks that
no hand-written entry covers.

Usage: gen_trivy_entries.py MIRROR_ROOT [--stamp]   (run from the repository root)

For every check in runbooks/rules/trivy.yaml and tfsec.yaml that no entry of
the hand-written built-in files matches (same tool, same normalised code or
alias, as runbooks.Catalog matches), it writes one entry whose body is built
from the check's own metadata in trivy-checks (title, description,
recommended_action, the first passing example of its examples file,
related_resources) or, for the tfsec ids trivy-checks no longer has, from
tfsec's docs/checks page (Explanation, Suggested Resolution, Secure
Example). Controls come from trivy-checks' compliance specs
(pkg/compliance/*.yaml: CIS, NSA, Pod Security Standards) and the checks'
own `frameworks`. Upstream text is Apache-2.0 (trivy-checks, tfsec); each
generated file's header says so.

The output files are named in OUTPUTS and listed in GENERATED so a re-run
ignores its own earlier output when deciding what is covered.

Japanese: runbooks/rules/sources/ja/<JA_FILES[area]> holds, per entry id, the
Japanese `title`, `why` (the check's description) and `fix` (its recommended
action), translated by hand (glossary: ja/README.md). For each entry with
one, the script writes `translations: ja:` whose body has the English body's
structure and template calls, with the fixed labels in Japanese and the
passing example and commands unchanged. An entry without a translation is
written without one (runbooks coverage --lang ja counts it) and the script
lists it on stderr, as it does translations of ids it no longer generates.
A translation that breaks a code span (odd number of backticks) or uses
template syntax stops the run.

Each translation carries `src:`, a fingerprint of the upstream English it
was made from (title, description, recommended action). When upstream
changes that text, the run lists the entry as stale on stderr: review the
Japanese against the new English, then run with --stamp, which rewrites the
`src:` lines of every translated entry to the current fingerprints.
"""
import glob, hashlib, os, re, subprocess, sys
import yaml

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
STAMP = "--stamp" in sys.argv[1:]
ROOT = ARGS[0] if ARGS else "/work/.mirror"
TC = "aquasecurity+trivy-checks"
TFSEC = "aquasecurity+tfsec"
BUILTIN = "runbooks/builtin"
OUTPUTS = {
    "aws": "cloud-aws-more.yaml",
    "azure": "cloud-azure.yaml",
    "google": "cloud-google.yaml",
    "other": "cloud-other.yaml",
    "ksv": "kubernetes-more.yaml",
    "kcv": "kubernetes-cis.yaml",
    "ds": "dockerfile-more.yaml",
}
GENERATED = set(OUTPUTS.values())
JA_DIR = "runbooks/rules/sources/ja"
JA_FILES = {
    "aws": "trivy-aws.yaml",
    "azure": "trivy-azure.yaml",
    "google": "trivy-google.yaml",
    "other": "trivy-other.yaml",
    "ksv": "trivy-kubernetes.yaml",
    "kcv": "trivy-kubernetes-cis.yaml",
    "ds": "trivy-dockerfile.yaml",
}
MAX_WHY = 1400


def git(repo, *args):
    return subprocess.run(["git", "-C", os.path.join(ROOT, repo, "repo"), *args], check=True,
                          capture_output=True, text=True).stdout


def show(repo, path):
    return git(repo, "show", "HEAD:" + path)


def norm(code):
    """translator.NormalizeCode (code.go), for ASCII codes."""
    out = []
    for f in re.split(r"[^0-9a-z]+", code.lower()):
        if not f:
            continue
        i = len(f)
        while i > 0 and f[i - 1].isdigit():
            i -= 1
        if 0 < i < len(f) and f[:i].isalpha():
            out += [f[:i], f[i:].lstrip("0") or "0"]
            continue
        if i == 0:
            f = f.lstrip("0") or "0"
        out.append(f)
    if len(out) > 1 and out[0] == "avd":
        out = out[1:]
    return "-".join(out)


def covered_keys():
    keys = set()
    for p in sorted(glob.glob(os.path.join(BUILTIN, "*.yaml"))):
        b = os.path.basename(p)
        if b in GENERATED or b == "defaults.yaml":
            continue
        for e in (yaml.safe_load(open(p)) or {}).get("entries", []):
            for m in e.get("match", []):
                for c in m.get("codes", []) or []:
                    keys.add((m.get("tool", "").lower(), norm(c)))
    return keys


def rego_meta(text):
    m = re.match(r"((?:#.*\n)+)", text)
    body = "\n".join(l[2:] if l.startswith("# ") else l[1:] for l in m.group(1).splitlines()[1:])
    return yaml.safe_load(body)


def controls_index():
    idx = {}
    names = {"cis": "CIS", "nsa": "NSA", "pss": "Pod Security Standards"}
    for p in git(TC, "ls-tree", "--name-only", "HEAD", "pkg/compliance/").split():
        if not p.endswith(".yaml"):
            continue
        spec = yaml.safe_load(show(TC, p))["spec"]
        title = spec["title"].strip()
        for c in spec.get("controls", []):
            label = f"{title} {c['id']}" if spec.get("type") != "pss" else f"{title}: {c['name'].strip()}"
            for chk in c.get("checks", []) or []:
                idx.setdefault(chk["id"], []).append(" ".join(label.split()))
    return idx


FW = {"cis-aws-1.2": "CIS AWS Foundations Benchmark v1.2", "cis-aws-1.4": "CIS AWS Foundations Benchmark v1.4"}


def esc_tmpl(s):
    # Upstream text is data, not template code.
    return s.replace("{{", "{{`{{`}}").replace("}}", "{{`}}`}}") if "{{" in s or "}}" in s else s


# Upstream typos that would break a flag into two words.
TYPOS = {"--enable-admission- plugins": "--enable-admission-plugins"}
_CODE = re.compile(r"""
    (?P<span>`[^`]*`)                                                   # already code: keep
  | <code>(?P<html>[^<`]*)</code>                                       # HTML code: a code span
  | (?<![\w`])(?P<ph>(?:<[a-z][\w-]*>)+)                                # <path><filename>: a placeholder, not HTML
  | (?<![\w`/])(?P<rel>path/to(?:/[\w.*-]+)+)                           # path/to/cni/files
  | (?<![\w'])'(?P<q>[A-Za-z0-9$*/_.:=<>\[\]{}-][^'\n]{0,80}?)'(?![\w'])  # 'quoted' name or command
  | (?<![\w`-])(?P<flag>--[A-Za-z][\w-]*(?:=[^\s,;)'"]+)?)                 # --flag, --flag=value
  | (?<![\w`/.<$-])(?P<path>/(?:etc|var|proc|sys|dev|usr|opt|run|root|home|bin|lib|tmp|data)(?:/[\w.*<>-]+)*/?)
  | (?<![\w`$])(?P<var>\$[a-z]\w+)                                         # $apiserverconf
  | (?<![\w`/.$-])(?P<dot>[a-z]\w*(?:\[[^\]\s]*\])?(?:\.[A-Za-z_]\w*(?:\[[^\]\s]*\])?)+)(?![\w-])
  | (?<![\w`/.$-])(?P<ident>[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w-])
""", re.X | re.A)
NOT_CODE = {"e.g", "i.e", "vs"}


def codify(text):
    """Put the names, flags and paths of upstream prose in code spans.

    The same function runs on the English text and on its Japanese
    translation, so both mark the same names as code: a translation writes
    them bare (or in backticks where upstream quotes them)."""
    for a, b in TYPOS.items():
        text = text.replace(a, b)

    def one(m):
        if m.group("span"):
            return m.group(0)
        if m.group("html") is not None:
            return f"`{m.group('html')}`" if m.group("html") else m.group(0)
        kind = m.lastgroup
        tok = m.group(kind)
        tail = ""
        while tok and tok[-1] in ".:" and kind != "q":
            tok, tail = tok[:-1], tok[-1] + tail
        if not tok or tok in NOT_CODE or "`" in tok:
            return m.group(0)
        if kind == "dot" and re.fullmatch(r"[a-z]+\.(?:com|io|org|net|md|html)", tok):
            return tok + tail
        return f"`{tok}`{tail}"
    return _CODE.sub(one, text)


def paragraphs(text, limit):
    text = (text or "").strip()
    out, n = [], 0
    for p in re.split(r"\n\s*\n", text):
        p = " ".join(p.split())
        if not p:
            continue
        if n and n + len(p) > limit:
            break
        out.append(p)
        n += len(p)
    return "\n\n".join(out)


def fence(code, lang):
    code = code.strip("\n")
    lines = [l.rstrip() for l in code.splitlines()]
    # Drop the common leading blank column the upstream docs use.
    ind = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
    lines = [l[ind:] for l in lines]
    ticks = "```"
    while ticks in code:
        ticks += "`"
    return f"{ticks}{lang}\n" + "\n".join(lines) + f"\n{ticks}"


# Fix snippets written for the checks whose trivy-checks examples file has no
# passing example (the check's own text explains the fix; these show it).
ROLE_READONLY = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app-reader
rules:
  - apiGroups: [""]
    resources: ["pods", "services", "configmaps"]
    verbs: ["get", "list", "watch"]   # name each verb; no "*", no write verbs the app does not use"""
BINDING_SA = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: app-reader
subjects:
  - kind: ServiceAccount            # a named subject, not a built-in group
    name: app
    namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: app-reader"""
SNIPPETS = {
"KSV-0007": ("Kubernetes", "yaml", """spec:
  template:
    spec:
      # no hostAliases: publish the name in DNS (a Service, or an ExternalName Service)
      containers:
        - name: app
          image: registry.example.com/app:1.4.2"""),
"KSV-0039": ("Kubernetes", "yaml", """apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: shop
spec:
  limits:
    - type: Container
      defaultRequest:
        cpu: 100m
        memory: 128Mi
      default:
        cpu: 500m
        memory: 512Mi"""),
"KSV-0040": ("Kubernetes", "yaml", """apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: shop
spec:
  hard:
    requests.cpu: "4"
    requests.memory: 8Gi
    limits.cpu: "8"
    limits.memory: 16Gi"""),
"KSV-0107": ("Kubernetes", "yaml", """apiVersion: apps/v1          # the stable group/version of the kind
kind: Deployment"""),
"KSV-0108": ("Kubernetes", "yaml", """apiVersion: v1
kind: Service
spec:
  type: ClusterIP
  # no externalIPs: expose through a LoadBalancer Service or an Ingress
  ports:
    - port: 80
      targetPort: http"""),
"KSV-0117": ("Kubernetes", "yaml", """containers:
  - name: app
    ports:
      - containerPort: 8080   # no hostPort below 1024; no hostPort at all if a Service will do"""),
"KSV-0119": ("Kubernetes", "yaml", """containers:
  - name: app
    securityContext:
      capabilities:
        drop: ["ALL"]        # NET_RAW is not in add"""),
"KSV-0120": ("Kubernetes", "yaml", """containers:
  - name: app
    securityContext:
      capabilities:
        drop: ["ALL"]        # SYS_MODULE is not in add"""),
"KSV-0121": ("Kubernetes", "yaml", """volumes:
  - name: data
    persistentVolumeClaim:       # instead of a hostPath to a host system directory
      claimName: app-data"""),
"DS-0027": ("Dockerfile", "dockerfile", """RUN microdnf install -y curl && microdnf clean all"""),
"DS-0030": ("Dockerfile", "dockerfile", """WORKDIR /app        # not /, /proc, /sys, /dev or another system directory"""),
"AWS-0320": ("Terraform", "hcl", """resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets-prod"   # dashes, no dots
}"""),
"AWS-0343": ("Terraform", "hcl", """resource "aws_rds_cluster" "db" {
  cluster_identifier  = "shop-db"
  engine              = "aurora-postgresql"
  deletion_protection = true
}"""),
}
for _cid in ["KSV-0042", "KSV-0043", "KSV-0045", "KSV-0047", "KSV-0049", "KSV-0050", "KSV-0051", "KSV-0052", "KSV-0053", "KSV-0054", "KSV-0055", "KSV-0056"]:
    SNIPPETS[_cid] = ("Kubernetes", "yaml", ROLE_READONLY)
for _cid in ["KSV-01011", "KSV-0122", "KSV-0123"]:
    SNIPPETS[_cid] = ("Kubernetes", "yaml", BINDING_SA)


def good_example(meta_custom, rego_path):
    # The examples file is named in the metadata, or sits beside the check.
    ex = meta_custom.get("examples") or rego_path[:-len(".rego")] + ".yaml"
    try:
        d = yaml.safe_load(show(TC, ex)) or {}
    except subprocess.CalledProcessError:
        return None
    for key, lang, label in (("terraform", "hcl", "Terraform"), ("kubernetes", "yaml", "Kubernetes"),
                             ("yaml", "yaml", "Kubernetes"), ("dockerfile", "dockerfile", "Dockerfile"),
                             ("cloudformation", "yaml", "CloudFormation")):
        good = (d.get(key) or {}).get("good") if isinstance(d.get(key), dict) else None
        if good:
            # The shortest passing example shows the fix with the least noise.
            g = min(good, key=len)
            return label, lang, g, (d.get(key) or {}).get("links") or []
    return None


def contains_line(snippet):
    for l in snippet.splitlines():
        l = l.strip()
        if len(l) >= 6 and "{" not in l and "}" not in l and "`" not in l:
            return l
    return None


def area(check_path, cid):
    if cid.startswith("KCV"):
        return "kcv"
    if check_path.startswith("checks/kubernetes/"):
        return "ksv"
    if check_path.startswith("checks/docker/"):
        return "ds"
    prov = check_path.split("/")[2]
    return prov if prov in ("aws", "azure", "google") else "other"


def body(title, wrong_extra, why, fix, example, verify, exception=True):
    parts = [f"**What is wrong.** {{{{with .Resource}}}}**{{{{.}}}}**{{{{else}}}}This resource{{{{end}}}} fails the check {title}.{wrong_extra}",
             f"**Why it matters.** {why}",
             f"**How to fix it.** {fix}"]
    if example:
        parts.append(example)
    parts.append(verify)
    parts.append("**Need an exception?** Add a time-boxed `ignore:` rule to `.runbook-translator.yaml` at the repository root, "
                 "saying why and who approved it:\n\n{{ignoreexample .}}")
    text = "\n".join(l.rstrip() for l in "\n\n".join(parts).splitlines())
    return Block(text + "\n")


EXC_JA = ("**例外が必要な場合** 期限付きの `ignore:` ルールをリポジトリ直下の `.runbook-translator.yaml` に追加し、"
          "理由と承認者を明記してください。\n\n{{ignoreexample .}}")
JA_FIX_FALLBACK = {
    "Change the resource so that it passes the check, as in the example below.": "下の例のように、チェックに合格するようリソースを変更してください。",
    "Change the resource as in the example below.": "下の例のようにリソースを変更してください。",
}


def body_ja(code_span, title, why, fix, example, verify):
    """The Japanese body: body()'s structure, labels and prose in Japanese,
    the code span, example and commands as in English."""
    parts = [f"**何が問題か** {{{{with .Resource}}}}**{{{{.}}}}** {{{{else}}}}このリソース{{{{end}}}}はチェック {code_span}({title})を満たしていません。",
             f"**なぜ問題か** {why}",
             f"**修正方法** {fix}"]
    if example:
        parts.append(example)
    parts.append(verify)
    parts.append(EXC_JA)
    text = "\n".join(l.rstrip() for l in "\n\n".join(parts).splitlines())
    return Block(text + "\n")


def example_ja(label, own, code_fence):
    label = f"{label}、このカタログ用に作成" if own else label
    return f"チェックに合格する設定の例({label}):\n\n" + code_fence


VERIFY_JA = {
    "node": ("これらのチェックは `trivy k8s` が収集するコントロールプレーンとノードの設定を読み取ります。"
             "フラグやファイルを変更したら、ベンチマークを再実行してください。\n\n```sh\n"
             "trivy k8s --compliance=k8s-cis-1.23 --report summary\n```"),
    "kubernetes": "プッシュする前に、ローカルで変更を確認してください。\n\n```sh\ntrivy config --misconfig-scanners kubernetes .\n```",
    "dockerfile": "プッシュする前に、ローカルで変更を確認してください。\n\n```sh\ntrivy config --misconfig-scanners dockerfile .\n```",
    "terraform": "プッシュする前に、ローカルで変更を確認してください。\n\n```sh\ntrivy config .    # or: tfsec .\n```",
    "tfsec": "プッシュする前に、ローカルで変更を確認してください。\n\n```sh\ntfsec .    # or: trivy config .\n```",
}


def load_ja():
    """id -> (area, {title, why, fix}) from the ja data files."""
    out = {}
    for a, name in JA_FILES.items():
        p = os.path.join(JA_DIR, name)
        if not os.path.exists(p):
            continue
        data = yaml.safe_load(open(p, encoding="utf-8")) or {}
        for eid, t in data.items():
            where = f"{p}: {eid}"
            if eid in out:
                sys.exit(f"{where}: also translated in {JA_FILES[out[eid][0]]}")
            if not isinstance(t, dict) or set(t) - {"title", "why", "fix", "src"} or not t.get("title") or not t.get("why"):
                sys.exit(f"{where}: want a map with title, why, src and (unless the English fix is a stock sentence) fix")
            for k, v in t.items():
                if k == "src":
                    continue
                v = " ".join(str(v).split()) if k == "title" else "\n\n".join(" ".join(x.split()) for x in re.split(r"\n\s*\n", str(v).strip()))
                if v.count("`") % 2:
                    sys.exit(f"{where}: {k}: odd number of backticks (a broken code span)")
                if "{{" in v or "}}" in v or "**" in v:
                    sys.exit(f"{where}: {k}: template syntax or bold markers in a translation")
                t[k] = v
            out[eid] = (a, t)
    return out


def fingerprint(*upstream):
    """What a translation was made from: the upstream English, whitespace normalised."""
    return hashlib.sha256("\x00".join(" ".join(str(u or "").split()) for u in upstream).encode()).hexdigest()[:12]


STALE, UNSTAMPED, STAMPS = [], [], {}


def add_ja(e, a, ja, code_span, fix_en, example_parts, verify_key, src):
    """Give entry e its Japanese translation when ja has one; return whether it did."""
    if e["id"] not in ja:
        return False
    ja_area, t = ja.pop(e["id"])
    STAMPS[e["id"]] = (ja_area, src)
    if "src" not in t:
        UNSTAMPED.append(e["id"])
    elif str(t["src"]) != src:
        STALE.append(e["id"])
    if ja_area != a:
        print(f"warning: {e['id']} is translated in {JA_FILES[ja_area]}, its area's file is {JA_FILES[a]}", file=sys.stderr)
    fix = t.get("fix") or JA_FIX_FALLBACK.get(fix_en)
    if not fix:
        sys.exit(f"{JA_FILES[ja_area]}: {e['id']}: no fix")
    example = example_ja(*example_parts) if example_parts else None
    e["translations"] = {"ja": {"title": t["title"][:200],
                                "body": body_ja(code_span, md_inline(t["title"]), sentence_ja(codify(t["why"])),
                                                sentence_ja(codify(fix)), example, VERIFY_JA[verify_key])}}
    return True


def sentence_ja(s):
    s = s.strip()
    return s if not s or s[-1] in "。!?)):." else s + "。"


class Block(str):
    pass


yaml.SafeDumper.add_representer(Block, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|"))


def main():
    keys = covered_keys()
    cidx = controls_index()
    trivy = yaml.safe_load(open("runbooks/rules/trivy.yaml"))
    tfsec = yaml.safe_load(open("runbooks/rules/tfsec.yaml"))
    tc_commit = trivy["source"]["commit"]
    tfsec_commit = tfsec["source"]["commit"]
    by_tc = {}
    for r in trivy["rules"]:
        by_tc[r["id"]] = r
    tfsec_by_avd = {}
    tfsec_doc_only = []
    for r in tfsec["rules"]:
        if r.get("aliases"):
            tfsec_by_avd[r["aliases"][0]] = r
        else:
            tfsec_doc_only.append(r)

    def is_cov(tool, r):
        return any((tool, norm(c)) in keys for c in [r["id"], *r.get("aliases", [])])

    out = {k: [] for k in OUTPUTS}
    ja = load_ja()
    missing = {k: [] for k in OUTPUTS}
    for cid, r in sorted(by_tc.items()):
        if not r["default"]:
            continue
        tr = None if is_cov("trivy", r) else r
        tf = tfsec_by_avd.get(cid)
        if tf is not None and (is_cov("tfsec", tf) or not tf["default"]):
            tf = None
        if tr is None and tf is None:
            continue
        meta = rego_meta(show(TC, r["path"]))
        c = meta["custom"]
        title_txt = " ".join(str(meta.get("title", "")).split())
        match = []
        if tr is not None:
            match.append({"tool": "trivy", "codes": [cid]})
        if tf is not None:
            match.append({"tool": "tfsec", "codes": [tf["id"]]})
        why = sentence(esc_tmpl(codify(paragraphs(str(meta.get("description", "")), MAX_WHY))) or esc_tmpl(title_txt))
        action = " ".join(str(c.get("recommended_action", "")).split())
        fix = esc_tmpl(codify(action if action.endswith(".") or not action else action + "."))
        if not fix:
            fix = "Change the resource so that it passes the check, as in the example below."
        ex = good_example(c, r["path"])
        if not ex and cid in SNIPPETS:
            label, lang, code = SNIPPETS[cid]
            ex = (label + ", written for this catalog", lang, code, [])
        links = [f"https://avd.aquasec.com/misconfig/{cid.lower()}"]
        if tf is not None:
            links.append(tfsec_page(tf))
        example = None
        contains = None
        example_parts = None
        if ex:
            label, lang, code, exlinks = ex
            example = f"A configuration that passes the check ({label}):\n\n" + fence(esc_tmpl(code), lang)
            own = label.endswith(", written for this catalog")
            example_parts = (label[:-len(", written for this catalog")] if own else label, own, fence(esc_tmpl(code), lang))
            contains = contains_line(code)
            links += [l for l in exlinks if l.startswith("https://")]
        links += [l for l in (meta.get("related_resources") or []) if isinstance(l, str) and l.startswith("https://")]
        links.append(f"https://github.com/aquasecurity/trivy-checks/blob/{tc_commit}/{r['path']}")
        node = re.match(r"checks/kubernetes/(apiserver|controllermanager|scheduler|etcd|kubelet|cni)_", r["path"])
        verify_key = "terraform"
        if cid.startswith("KCV") and node:
            verify_key = "node"
            verify = ("These checks read the control-plane and node configuration that `trivy k8s` collects; "
                      "after changing the flag or file, re-run the benchmark:\n\n```sh\n"
                      "trivy k8s --compliance=k8s-cis-1.23 --report summary\n```")
        elif area(r["path"], cid) in ("ksv", "kcv"):
            verify_key = "kubernetes"
            verify = "Check the change locally before pushing:\n\n```sh\ntrivy config --misconfig-scanners kubernetes .\n```"
        elif area(r["path"], cid) == "ds":
            verify_key = "dockerfile"
            verify = "Check the change locally before pushing:\n\n```sh\ntrivy config --misconfig-scanners dockerfile .\n```"
        else:
            verify = "Check the change locally before pushing:\n\n```sh\ntrivy config .    # or: tfsec .\n```"
        if not example:
            contains = None
            example_parts = None
        ctl = list(dict.fromkeys(cidx.get(cid, [])))
        for fw, ids in (c.get("frameworks") or {}).items():
            if fw in FW:
                ctl += [f"{FW[fw]} {i}" for i in ids if i]
        wrong_extra = ""
        svc = c.get("service") or ""
        e = {
            "id": "check-" + cid.lower(),
            "title": title_txt[:200],
            "match": match,
            "links": list(dict.fromkeys(links)),
        }
        if ctl:
            e["controls"] = ctl
        code_span = f"`{cid}`" + (f" / `{tf['id']}`" if tf is not None else "")
        e["body"] = body(f"{code_span} ({esc_tmpl(md_inline(title_txt))})", wrong_extra, why, fix, example, verify)
        src = fingerprint(meta.get("title"), meta.get("description"), c.get("recommended_action"))
        if not add_ja(e, area(r["path"], cid), ja, code_span, fix, example_parts, verify_key, src):
            missing[area(r["path"], cid)].append(e["id"])
        exs = []
        if tr is not None:
            exs.append({"finding": {"tool": "trivy", "code": cid, "message": title_txt or cid},
                        "contains": [x for x in [contains, cid, "ignore:"] if x]})
        if tf is not None:
            exs.append({"finding": {"tool": "tfsec", "code": tf["id"], "message": title_txt or tf["id"], "path": "main.tf", "line": 3},
                        "contains": [x for x in [contains, tf["id"], "expires:"] if x]})
        e["examples"] = exs
        out[area(r["path"], cid)].append(e)

    # tfsec ids that trivy-checks no longer carries: tfsec's own docs page.
    for r in tfsec_doc_only:
        if not r["default"] or is_cov("tfsec", r):
            continue
        doc = find_tfsec_doc(r["id"])
        if doc is None:
            continue
        text = show(TFSEC, doc)
        sec = lambda name: (re.search(r"^### " + name + r"\s*\n(.*?)(?=^### |\Z)", text, re.M | re.S) or [None, ""])[1]
        title_txt = " ".join((re.search(r"^title: (.*)$", text, re.M) or [None, r["title"]])[1].split())
        why = sentence(esc_tmpl(codify(paragraphs(sec("Explanation"), MAX_WHY))))
        impact = " ".join(sec("Possible Impact").split())
        if impact:
            why += f" Possible impact: {esc_tmpl(codify(impact))}."
        fix = esc_tmpl(codify(" ".join(sec("Suggested Resolution").split()))) or "Change the resource as in the example below."
        if not fix.endswith("."):
            fix += "."
        m = re.search(r"```terraform\n(.*?)```", sec("Secure Example"), re.S)
        example = contains = example_parts = None
        if m:
            example = "A configuration that passes the check (Terraform):\n\n" + fence(esc_tmpl(m.group(1)), "hcl")
            example_parts = ("Terraform", False, fence(esc_tmpl(m.group(1)), "hcl"))
            contains = contains_line(m.group(1))
        links = [tfsec_page(r),
                 f"https://github.com/aquasecurity/tfsec/blob/{tfsec_commit}/{doc}"]
        links += [l for l in re.findall(r"^- (https://\S+)", sec("Links"), re.M)]
        verify = "Check the change locally before pushing:\n\n```sh\ntfsec .    # or: trivy config .\n```"
        e = {"id": "check-tfsec-" + r["id"], "title": title_txt[:200], "match": [{"tool": "tfsec", "codes": [r["id"]]}],
             "links": list(dict.fromkeys(links))}
        e["body"] = body(f"`{r['id']}` ({esc_tmpl(md_inline(title_txt))})", "", why, fix, example, verify)
        prov = r["id"].split("-")[0]
        a = prov if prov in ("aws", "azure", "google") else "other"
        src = fingerprint(title_txt, sec("Explanation"), sec("Possible Impact"), sec("Suggested Resolution"))
        if not add_ja(e, a, ja, f"`{r['id']}`", fix, example_parts, "tfsec", src):
            missing[a].append(e["id"])
        e["examples"] = [{"finding": {"tool": "tfsec", "code": r["id"], "message": title_txt, "path": "main.tf", "line": 3},
                          "contains": [x for x in [contains, r["id"], "ignore:"] if x]}]
        out[a].append(e)

    for k, entries in out.items():
        path = os.path.join(BUILTIN, OUTPUTS[k])
        with open(path, "w") as fh:
            fh.write(f"# Built-in runbooks for trivy / tfsec checks ({k}), GENERATED by\n"
                     f"# runbooks/rules/sources/gen_trivy_entries.py from github.com/aquasecurity/trivy-checks\n"
                     f"# at {tc_commit} and github.com/aquasecurity/tfsec at {tfsec_commit}.\n"
                     f"# Titles, descriptions, recommended actions and passing examples are the checks'\n"
                     f"# own (Apache-2.0); do not edit by hand: re-run the script, or write a hand-made\n"
                     f"# entry in another file (the script then leaves that check out). The Japanese\n"
                     f"# (translations: ja:) comes from {JA_DIR}/{JA_FILES[k]}.\n")
            yaml.safe_dump({"entries": entries}, fh, sort_keys=False, allow_unicode=True, width=100000, default_style=None)
        print(f"{path}: {len(entries)} entries, {len(entries) - len(missing[k])} with a ja translation")
    for k, ids in missing.items():
        if ids:
            print(f"{JA_FILES[k]}: no ja translation for {len(ids)} entries: {' '.join(ids)}", file=sys.stderr)
    for eid, (a, _) in sorted(ja.items()):
        print(f"warning: {JA_FILES[a]}: {eid} is not a generated entry (left out)", file=sys.stderr)
    if STAMP:
        stamp_ja()
        print(f"{JA_DIR}: src stamped on {len(STAMPS)} translations")
    else:
        if STALE:
            print(f"warning: {len(STALE)} ja translations were made for different upstream English "
                  f"(review them, then re-run with --stamp): {' '.join(STALE)}", file=sys.stderr)
        if UNSTAMPED:
            print(f"warning: {len(UNSTAMPED)} ja translations have no src: (run with --stamp once reviewed): "
                  f"{' '.join(UNSTAMPED)}", file=sys.stderr)


def stamp_ja():
    """Write `src: <fingerprint>` under each translated id, in place (line-based,
    so comments and layout of the hand-written files stay)."""
    for a, name in JA_FILES.items():
        p = os.path.join(JA_DIR, name)
        if not os.path.exists(p):
            continue
        out, cur = [], None
        for line in open(p, encoding="utf-8").read().split("\n"):
            m = re.match(r"^([^\s#][^:]*):\s*$", line)
            if m:
                cur = m.group(1)
                out.append(line)
                if cur in STAMPS:
                    out.append(f"  src: {STAMPS[cur][1]}")
                continue
            if cur in STAMPS and re.match(r"^  src:", line):
                continue
            out.append(line)
        with open(p, "w", encoding="utf-8") as fh:
            fh.write("\n".join(out))


def tfsec_page(rule):
    # docs/checks/<provider>/<service>/<check>/index.md is published under
    # https://aquasecurity.github.io/tfsec/latest/checks/<provider>/<service>/<check>/
    parts = rule["path"].split("/")
    return "https://aquasecurity.github.io/tfsec/latest/checks/" + "/".join(parts[2:5]) + "/"


def sentence(s):
    s = s.strip()
    return s if not s or s[-1] in ".!?:)" else s + "."


def md_inline(s):
    # Keep a title from opening emphasis or code spans in prose.
    return re.sub(r"([*_`\[\]<>\\])", r"\\\1", s)


def sample_resource(svc):
    return ""


_tfsec_docs = None


def find_tfsec_doc(rid):
    global _tfsec_docs
    if _tfsec_docs is None:
        _tfsec_docs = {}
        for p in git(TFSEC, "ls-tree", "-r", "--name-only", "HEAD", "docs/checks").splitlines():
            parts = p.split("/")
            if len(parts) == 6 and parts[-1] == "index.md":
                _tfsec_docs["-".join(parts[2:5])] = p
    return _tfsec_docs.get(rid)


if __name__ == "__main__":
    main()
