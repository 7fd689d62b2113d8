package parsers

import (
	"encoding/json"
	"io"
	"path"
	"regexp"
	"strings"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/internal/lazyre"
)

func init() {
	Register(Format{
		Name:        "trivy",
		Aliases:     []string{"trivy-json"},
		Tool:        "trivy",
		Description: "Trivy JSON report: misconfigurations, secrets and vulnerabilities",
		Example:     "trivy config --format json --output trivy.json .",
		Detect:      detectTrivy,
		New: func(opts Options) (Parser, error) {
			return &trivyParser{opts: opts}, nil
		},
	})
}

// detectTrivy looks for the report header: every trivy JSON report since
// schema version 2 starts with SchemaVersion and names the artifact.
func detectTrivy(head []byte) int {
	h := headTrim(head)
	if len(h) == 0 || h[0] != '{' {
		return 0
	}
	if containsAll(h, `"SchemaVersion"`) && (containsAll(h, `"ArtifactName"`) || containsAll(h, `"Results"`)) {
		return 2
	}
	return 0
}

type trivyParser struct {
	opts Options
	// artifactName and artifactType are the report's ArtifactName and
	// ArtifactType: the scanned path and what it is.
	artifactName, artifactType string
}

// trivyMisconf is one entry of Results[].Misconfigurations. Code.Lines (the
// source snippet, with ANSI escapes) is deliberately not decoded.
type trivyMisconf struct {
	Type          string
	ID            string
	AVDID         string
	Title         string
	Description   string
	Message       string
	Namespace     string
	Resolution    string
	Severity      string
	PrimaryURL    string
	Status        string
	CauseMetadata struct {
		Resource  string
		Provider  string
		Service   string
		StartLine int
		EndLine   int
	}
}

// trivySecret is one entry of Results[].Secrets. Match (trivy masks the
// secret in it with '*') and Code are not decoded: nothing of the matched
// line reaches a finding.
type trivySecret struct {
	RuleID    string
	Category  string
	Severity  string
	Title     string
	StartLine int
	EndLine   int
}

// trivyVuln is one entry of Results[].Vulnerabilities.
type trivyVuln struct {
	VulnerabilityID  string
	PkgID            string
	PkgName          string
	PkgPath          string
	InstalledVersion string
	FixedVersion     string
	Status           string
	Severity         string
	PrimaryURL       string
	Title            string
}

// trivyResult holds what is known about the Result being read; findings seen
// before Target (trivy always prints Target first, but JSON does not promise
// key order) wait in pending.
type trivyResult struct {
	target, class, typ string
	haveTarget         bool
	pending            []func() *translator.Finding
	// k8s holds the Kubernetes misconfigurations of the Result until its
	// end, so that findings whose message names no object can take it
	// from an enclosing one (config files are small; vulnerabilities,
	// the bulk of a large report, are never held).
	k8s []*translator.Finding
}

// Parse implements Parser. It streams Results one finding at a time.
func (p *trivyParser) Parse(r io.Reader, emit func(*translator.Finding) error) error {
	s := newTokStream("trivy", p.opts.File, r)
	p.artifactName, p.artifactType = "", ""
	t, err := s.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return s.shapeErr("want a JSON object (trivy --format json), got " + describeToken(t))
	}
	marker := false
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch k {
		case "ArtifactName", "ArtifactType":
			marker = true
			var v string
			if err := s.decode(&v); err != nil {
				return err
			}
			if k == "ArtifactName" {
				p.artifactName = v
			} else {
				p.artifactType = v
			}
		case "SchemaVersion":
			marker = true
			if err := s.skip(); err != nil {
				return err
			}
		case "Results":
			marker = true
			if err := p.results(s, emit); err != nil {
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if err := s.expectDelim('}', "the end of the report object"); err != nil {
		return err
	}
	if !marker {
		return s.shapeErr("the object has no SchemaVersion, ArtifactName or Results")
	}
	return s.end()
}

func (p *trivyParser) results(s *tokStream, emit func(*translator.Finding) error) error {
	t, err := s.token()
	if err != nil {
		return err
	}
	if t == nil { // "Results": null
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return s.shapeErr("Results is " + describeToken(t) + ", want an array")
	}
	for s.dec.More() {
		if err := p.result(s, emit); err != nil {
			return err
		}
	}
	return s.expectDelim(']', "the end of Results")
}

func (p *trivyParser) result(s *tokStream, emit func(*translator.Finding) error) error {
	if err := s.expectDelim('{', "a Result object"); err != nil {
		return err
	}
	res := &trivyResult{}
	send := func(mk func() *translator.Finding) error {
		if !res.haveTarget {
			res.pending = append(res.pending, mk)
			return nil
		}
		return emit(mk())
	}
	for s.dec.More() {
		k, err := s.key()
		if err != nil {
			return err
		}
		switch k {
		case "Target", "Class", "Type":
			var v string
			if err := s.decode(&v); err != nil {
				return err
			}
			switch k {
			case "Target":
				res.target, res.haveTarget = p.repoPath(v), true
			case "Class":
				res.class = v
			default:
				res.typ = v
			}
		case "Misconfigurations":
			err = eachElement(s, func() error {
				var m trivyMisconf
				if err := s.decode(&m); err != nil {
					return err
				}
				if !strings.EqualFold(m.Status, "FAIL") {
					return nil
				}
				if res.typ == "kubernetes" || res.typ == "helm" {
					res.k8s = append(res.k8s, p.misconf(res, &m))
					return nil
				}
				return send(func() *translator.Finding { return p.misconf(res, &m) })
			})
		case "Secrets":
			err = eachElement(s, func() error {
				var x trivySecret
				if err := s.decode(&x); err != nil {
					return err
				}
				return send(func() *translator.Finding { return p.secret(res, &x) })
			})
		case "Vulnerabilities":
			err = eachElement(s, func() error {
				var v trivyVuln
				if err := s.decode(&v); err != nil {
					return err
				}
				return send(func() *translator.Finding { return p.vuln(res, &v) })
			})
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
	res.haveTarget = true
	for _, mk := range res.pending {
		if err := emit(mk()); err != nil {
			return err
		}
	}
	if err := s.expectDelim('}', "the end of a Result"); err != nil {
		return err
	}
	if res.k8s != nil {
		inferK8sResources(res.k8s)
		for _, f := range res.k8s {
			if err := emit(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// inferK8sResources gives a Kubernetes finding whose message names no object
// ("container should drop all") the resource of the finding with the
// smallest line range that encloses its own, when exactly one such object
// does. Trivy's ranges of one manifest are the object or one of its
// containers, so the enclosing range is the object the check looked at.
func inferK8sResources(fs []*translator.Finding) {
	for _, f := range fs {
		if f.Resource != "" || f.Line == 0 {
			continue
		}
		best, span, ambiguous := "", 0, false
		for _, g := range fs {
			if g.Resource == "" || g.Extra["resource_from"] != "" || g.Line == 0 || g.Line > f.Line || g.EndLine < f.EndLine {
				continue
			}
			w := g.EndLine - g.Line
			switch {
			case best == "" || w < span:
				best, span, ambiguous = g.Resource, w, false
			case w == span && g.Resource != best:
				ambiguous = true
			}
		}
		if best != "" && !ambiguous {
			f.Resource = best
			f.SetExtra("resource_from", "enclosing range")
		}
	}
}

// eachElement calls fn once per element of an array value (fn decodes the
// element); null is an empty array.
func eachElement(s *tokStream, fn func() error) error {
	t, err := s.token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return s.shapeErr("want an array, got " + describeToken(t))
	}
	for s.dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	return s.expectDelim(']', "the end of an array")
}

func (p *trivyParser) misconf(res *trivyResult, m *trivyMisconf) *translator.Finding {
	f := &translator.Finding{
		Tool:         "trivy",
		Code:         m.ID,
		Severity:     mapToolSeverity(m.Severity),
		ToolSeverity: m.Severity,
		Message:      m.Message,
		Title:        m.Title,
		Remediation:  m.Resolution,
		URL:          m.PrimaryURL,
		Resource:     m.CauseMetadata.Resource,
	}
	if f.Message == "" {
		f.Message = m.Title
	}
	f.Path = CleanPath(res.target, p.opts.BaseDir)
	f.Line = m.CauseMetadata.StartLine
	f.EndLine = m.CauseMetadata.EndLine
	// Older trivy printed ID "KSV017" with AVDID "AVD-KSV-0017"; v0.74
	// prints "KSV-0017" and no AVDID, but Namespace keeps the check name
	// ("builtin.kubernetes.KSV017"). Every spelling is an alias so a
	// catalog written for either version matches.
	addAlias(f, m.AVDID)
	if i := strings.LastIndexByte(m.Namespace, '.'); i >= 0 && strings.HasPrefix(m.Namespace, "builtin.") {
		addAlias(f, m.Namespace[i+1:])
	}
	if f.Resource == "" && (res.typ == "kubernetes" || res.typ == "helm" || strings.EqualFold(m.CauseMetadata.Provider, "kubernetes")) {
		if k := k8sFromTrivyMessage(m.Message); k.kind != "" {
			f.Resource = k.kind + "/" + k.name
			f.SetExtra("container", k.container)
			f.SetExtra("namespace", k.namespace)
		}
	}
	return f
}

func (p *trivyParser) secret(res *trivyResult, x *trivySecret) *translator.Finding {
	f := &translator.Finding{
		Tool:         "trivy",
		Code:         x.RuleID,
		Severity:     mapToolSeverity(x.Severity),
		ToolSeverity: x.Severity,
		Title:        x.Title,
		Message:      x.Title,
	}
	if f.Message == "" {
		f.Message = "secret found by rule " + x.RuleID
	}
	f.Path = CleanPath(res.target, p.opts.BaseDir)
	f.Line, f.EndLine = x.StartLine, x.EndLine
	f.SetExtra("category", x.Category)
	return f
}

func (p *trivyParser) vuln(res *trivyResult, v *trivyVuln) *translator.Finding {
	what := v.Title
	if what == "" {
		what = v.VulnerabilityID
	}
	msg := strings.TrimSpace(v.PkgName + " " + v.InstalledVersion)
	if msg != "" {
		msg += ": "
	}
	msg += what
	if v.FixedVersion != "" {
		msg += " (fixed in " + v.FixedVersion + ")"
	}
	f := &translator.Finding{
		Tool:         "trivy",
		Code:         v.VulnerabilityID,
		Severity:     mapToolSeverity(v.Severity),
		ToolSeverity: v.Severity,
		Title:        v.Title,
		Message:      msg,
		URL:          v.PrimaryURL,
	}
	// Language packages found inside an image carry their own path;
	// lock files and OS packages are reported against the Target.
	// OS packages are reported against the image ("alpine:3.9 (alpine
	// 3.9.4)"), which is no file of the repository.
	switch {
	case v.PkgPath != "":
		f.Path = CleanPath(v.PkgPath, p.opts.BaseDir)
	case res.class == "os-pkgs":
		f.SetExtra("target", res.target)
	default:
		f.Path = CleanPath(res.target, p.opts.BaseDir)
	}
	f.SetExtra("package", v.PkgName)
	f.SetExtra("installed_version", v.InstalledVersion)
	f.SetExtra("fixed_version", v.FixedVersion)
	f.SetExtra("pkg_path", v.PkgPath)
	f.SetExtra("status", v.Status)
	f.SetExtra("class", res.class)
	return f
}

// addAlias appends a to f.Aliases unless it is empty, the code itself or
// already there.
func addAlias(f *translator.Finding, a string) {
	if a == "" || a == f.Code {
		return
	}
	for _, x := range f.Aliases {
		if x == a {
			return
		}
	}
	f.Aliases = append(f.Aliases, a)
}

type k8sRef struct{ kind, name, namespace, container string }

// Trivy's Kubernetes checks name the object only in the message, in several
// phrasings (trivy v0.74, see testdata/trivy/config-k8s-shop.json):
//
//	Container 'api' of Deployment 'catalog-api' should set ...
//	Container 'api' of 'deployment' 'catalog-api' in 'shop' namespace should set ...
//	container "api" of deployment "catalog-api" in "shop" namespace should ...
//	Container postgres in statefulset catalog-db (namespace: shop) uses ...
//	DaemonSet 'node-agent' should not set ...
//	ConfigMap 'catalog-config' in 'shop' namespace stores ...
//	deployment catalog-api in shop namespace is using ...
//
// Messages that name no object ("container should drop all") give none.
var trivyK8sMessage = []func() *regexp.Regexp{
	lazyre.New(`^[Cc]ontainer '(?P<container>[^']+)' of '?(?P<kind>[A-Za-z]+)'? '(?P<name>[^']+)'(?: in '(?P<namespace>[^']+)' namespace)?`),
	lazyre.New(`^[Cc]ontainer "(?P<container>[^"]+)" of (?P<kind>[A-Za-z]+) "(?P<name>[^"]+)"(?: in "(?P<namespace>[^"]+)" namespace)?`),
	lazyre.New(`^[Cc]ontainer (?P<container>\S+) in (?P<kind>[A-Za-z]+) (?P<name>\S+) \(namespace: (?P<namespace>[^)]+)\)`),
	lazyre.New(`^(?P<kind>[A-Za-z]+) '(?P<name>[^']+)'(?: in '(?P<namespace>[^']+)' namespace)?`),
	lazyre.New(`^(?P<kind>[A-Za-z]+) (?P<name>[a-z0-9][-a-z0-9.]*) in (?P<namespace>[a-z0-9][-a-z0-9]*) namespace\b`),
}

// k8sKinds maps lower-case kinds to their canonical spelling; a word that is
// not a kind ("container", "Role permits ...") never makes a resource.
var k8sKinds = map[string]string{}

func init() {
	for _, k := range []string{
		"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
		"Job", "CronJob", "ConfigMap", "Secret", "Service", "ServiceAccount", "Ingress",
		"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "NetworkPolicy",
		"PersistentVolume", "PersistentVolumeClaim", "PodDisruptionBudget", "Namespace",
		"HorizontalPodAutoscaler", "PodSecurityPolicy", "LimitRange", "ResourceQuota",
	} {
		k8sKinds[strings.ToLower(k)] = k
	}
}

func k8sFromTrivyMessage(msg string) k8sRef {
	for _, lazy := range trivyK8sMessage {
		re := lazy()
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		var ref k8sRef
		for i, n := range re.SubexpNames() {
			switch n {
			case "kind":
				ref.kind = k8sKinds[strings.ToLower(m[i])]
			case "name":
				ref.name = m[i]
			case "namespace":
				ref.namespace = m[i]
			case "container":
				ref.container = m[i]
			}
		}
		if ref.kind != "" && ref.name != "" {
			return ref
		}
	}
	return k8sRef{}
}

// repoPath makes a Result's Target a path from where trivy ran: for a
// filesystem or repository scan, Targets are relative to the scanned path,
// the report's ArtifactName ("trivy config -f json k8s" gives ArtifactName
// "k8s" and Target "catalog.yaml", the file being k8s/catalog.yaml). A
// scanned file (ArtifactName "helm/shop-rendered.yaml", Target
// "shop-rendered.yaml" or ".") is the ArtifactName itself. An ArtifactName
// is taken for a file when its last element has an extension. Image scans,
// remote repositories ("https://..."), absolute Targets and reports whose
// ArtifactName comes after Results (trivy writes it first) are left alone.
func (p *trivyParser) repoPath(target string) string {
	name := strings.TrimSuffix(strings.ReplaceAll(p.artifactName, `\`, "/"), "/")
	if p.artifactType != "filesystem" && p.artifactType != "repository" || name == "" || name == "." ||
		hasURIScheme(name) || strings.HasPrefix(target, "/") || target == "" {
		return target
	}
	if base := path.Base(name); strings.Contains(base, ".") && !strings.HasPrefix(base, ".") {
		if target == "." || target == base {
			return name
		}
		return path.Join(path.Dir(name), target)
	}
	if target == "." {
		return name
	}
	return path.Join(name, target)
}
