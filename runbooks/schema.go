// Package runbooks loads catalogs of runbook entries (YAML files written by
// platform teams), matches each finding to the entry that says what to do,
// and renders the entry's Markdown body as a text/template over the finding.
//
// # Catalog file format
//
//	# .runbook-translator/runbooks/security.yaml
//	entries:
//	  - id: pss-privileged                   # unique across merged catalogs
//	    title: Privileged container
//	    match:                               # one or more matchers
//	      - tool: conftest                   # tool + codes: exact match
//	        codes: [K8S-013]
//	      - tool: trivy
//	        codes: [KSV-0017]                # any spelling: KSV017, AVD-KSV-0017
//	      - codes: [P1000]                   # codes alone: any tool
//	      - tool: conftest                   # message pattern (RE2), with
//	        message: 'privileged'            #   named groups as .Captures
//	      - tool: polaris                    # per-tool default
//	        default: true
//	    severity: error                      # optional override
//	    owner: "@acme/platform-security"     # optional
//	    owner_from_codeowners: true          # optional: owner of the finding's path
//	    links: [https://kubernetes.io/docs/concepts/security/pod-security-standards/]
//	    locate: spec.template.spec.containers[name=web].securityContext.privileged
//	    body: |
//	      **{{.Resource}}** runs a privileged container ...
//	    fix:                                 # optional: alternatives, the first is suggested
//	      - description: Turn privileged mode off
//	        edits:                           # paths as in locate:, relative to the object
//	          - set: spec.containers[name=$container].securityContext.privileged
//	            value: false
//	          - delete: spec.hostPID         # remove a key
//	          - add: spec.containers[name=$container].securityContext.capabilities.drop
//	            value: ALL                   # append a list item (parents created)
//	    examples:                            # checked by `runbooks test`
//	      - finding: {tool: trivy, code: KSV-0017, message: "...", resource: Deployment/web}
//	        contains: ["securityContext"]
//	        manifest: |                      # optional: the file the finding is in,
//	          ...                            #   and the file after the first fix
//	        fixed: |
//	          ...
//	    translations:                        # optional, per language: title, body
//	      ja:                                #   and the fixes' descriptions in order
//	        title: 特権コンテナ
//	        body: |
//	          ...
//	        fix: [特権モードを無効にする]
//	disable: [some-entry-id]                 # drop an entry of an earlier catalog
//	values:                                  # named fix values (organisation catalogs)
//	  priority_class: standard
//
// Matching precedence: exact tool+code, then code alone, then message
// pattern, then a per-tool default, then the generic fallback.
package runbooks

// File is one catalog file.
type File struct {
	Entries []Entry `yaml:"entries"`
	// Disable removes entries of earlier catalogs by id.
	Disable []string `yaml:"disable,omitempty"`
	// Values are named fix values (values.go) that fix edits take with
	// catalog_value:; an organisation's catalog sets them, the built-in
	// one does not.
	Values map[string]any `yaml:"values,omitempty"`
}

// Entry is one runbook entry.
type Entry struct {
	ID                  string    `yaml:"id"`
	Title               string    `yaml:"title"`
	Match               []Matcher `yaml:"match"`
	Body                string    `yaml:"body"`
	Links               []string  `yaml:"links,omitempty"`
	Severity            string    `yaml:"severity,omitempty"`
	Owner               string    `yaml:"owner,omitempty"`
	OwnerFromCodeowners bool      `yaml:"owner_from_codeowners,omitempty"`
	// Locate is a field path (spec.template.spec.hostPID,
	// spec.containers[name=web].securityContext.privileged) that the
	// Kubernetes locator uses to point at the offending field.
	Locate string `yaml:"locate,omitempty"`
	// Fix lists ways to change the file so that the finding goes away, the
	// first one suggested (package fix computes the edits).
	Fix      []Fix     `yaml:"fix,omitempty"`
	Examples []Example `yaml:"examples,omitempty"`
	// Controls name the controls the entry implements ("PSS baseline",
	// "CIS Kubernetes 5.2.2", "NIST SP 800-190 4.4.3"), for reports to show.
	Controls []string `yaml:"controls,omitempty"`
	// Translations hold the title and body per language ("ja"); the body
	// uses the same template functions as Body. A language without an entry
	// here falls back to Title and Body (see Catalog.WithLang).
	Translations map[string]Translation `yaml:"translations,omitempty"`

	// Source is "file:line" of the entry (set by the loader).
	Source string `yaml:"-"`
}

// Translation is an entry's title and body in one language, and the
// descriptions of its fix alternatives (Fix), in the order of Entry.Fix; a
// fix without one keeps its description.
type Translation struct {
	Title string   `yaml:"title"`
	Body  string   `yaml:"body"`
	Fix   []string `yaml:"fix,omitempty"`
}

// Matcher says which findings an entry is for.
type Matcher struct {
	Tool    string   `yaml:"tool,omitempty"`
	Codes   []string `yaml:"codes,omitempty"`
	Message string   `yaml:"message,omitempty"`
	Default bool     `yaml:"default,omitempty"`
}

// Example is a sample finding and what its rendered entry must contain.
type Example struct {
	Finding  ExampleFinding `yaml:"finding"`
	Contains []string       `yaml:"contains,omitempty"`
	// Want, when set, is the whole expected rendered body.
	Want string `yaml:"want,omitempty"`
	// Manifest is the file the finding is about (Kubernetes YAML, or
	// Terraform when the finding's path ends in .tf); with Fixed, the
	// example checks the entry's first fix: Fixed is the whole file after it.
	Manifest string `yaml:"manifest,omitempty"`
	Fixed    string `yaml:"fixed,omitempty"`
	// Values stand for the organisation catalog's values: when the
	// example's fix is computed (the catalog's own are not used, so an
	// example means the same under every catalog).
	Values map[string]any `yaml:"values,omitempty"`
}

// Fix is one way to resolve a finding: edits of the object the finding is
// about (the Kubernetes document of its resource, or its Terraform block).
type Fix struct {
	// Description says what the fix does, in one line.
	Description string `yaml:"description"`
	// Kinds, when set, limit the fix to objects of these kinds: the
	// Kubernetes kind (ServiceAccount) or the Terraform resource type
	// (aws_s3_bucket). Alternatives for other kinds follow in Fix.
	Kinds []string `yaml:"kinds,omitempty"`
	// Tools, when set, limit the fix to findings of these tools: an entry
	// that several tools share may need a different change for each (one
	// checks podAntiAffinity, another topologySpreadConstraints).
	Tools []string `yaml:"tools,omitempty"`
	// Message, when set, limits the fix to findings whose message matches
	// this regular expression (RE2): an entry whose one code covers
	// several checks (Conftest's K8S-021, "has no readinessProbe" or "has
	// no livenessProbe") may need a different change for each.
	Message string    `yaml:"message,omitempty"`
	Edits   []FixEdit `yaml:"edits"`
	// Lang and English, when Description is a translation (the catalog
	// in another language: Catalog.WithLang), are its language and the
	// entry's own English description: notes kept in English
	// (Finding.FixNote) word the fix in English, those shown in Lang in
	// Lang.
	Lang    string `yaml:"-"`
	English string `yaml:"-"`
}

// FixEdit is one edit; exactly one of Set, Fill, Replace, Delete, Add,
// Rename and Document is given: a field path in the syntax of Entry.Locate, relative to the
// object (pod paths are written once for every workload kind, as for
// locate:), or the new document.
type FixEdit struct {
	// Set gives the field Value, adding it (and missing parents) when absent.
	Set string `yaml:"set,omitempty"`
	// Fill gives the field Value only when it is absent; a value already
	// there is kept (a request copied from a limit never overwrites a
	// request someone chose).
	Fill string `yaml:"fill,omitempty"`
	// Replace gives the field Value only where it is present: a field the
	// object does not have is not added (a pod-level runAsUser: 0 becomes
	// 10001, and a pod that sets none is left without one). Value is a
	// scalar, or a scalar catalog value.
	Replace string `yaml:"replace,omitempty"`
	// IfValue, with Replace only, limits it to a field whose present value
	// is this scalar: a pod-level runAsUser: 0 becomes 10001, a pod-level
	// runAsUser: 20000 stays. Kubernetes manifests only.
	IfValue any `yaml:"if_value,omitempty"`
	// Delete removes the field.
	Delete string `yaml:"delete,omitempty"`
	// Add appends Value to the list at the path unless it holds it already,
	// creating the list (and missing parents) when absent.
	Add string `yaml:"add,omitempty"`
	// Rename gives the key at the path the name To, keeping its value, its
	// comments and its place; instead of a field path it may be "$name",
	// the finding's Extra[name]: JSON pointers, comma-separated, to keys
	// the object's schema does not allow (kubeconform's unknown_fields).
	// Without To the new name is the one Kubernetes field name at that
	// position close to the key (equal but for case, or within a small
	// edit distance, and no other field as close); otherwise there is no
	// suggestion. Kubernetes manifests only.
	Rename string `yaml:"rename,omitempty"`
	// To is the new name of a Rename: a plain key.
	To string `yaml:"to,omitempty"`
	// Document is a new Kubernetes object (a mapping, as Value) written as
	// a document of its own right after the finding's object: a
	// PodDisruptionBudget for a Deployment. It takes the object's
	// metadata.namespace when it names none.
	Document any `yaml:"document,omitempty"`
	// Value is a scalar (a string, number or boolean), or for set and fill a
	// mapping or list of them. A string "$name" or "${name}" is the
	// finding's Extra[name] (container, namespace, ...); in a mapping or
	// list, "$selector_labels", "$pod_labels" and "$object_labels" are the
	// object's spec.selector.matchLabels, its pod template's labels and its
	// metadata.labels (mappings copied from the manifest).
	Value any `yaml:"value,omitempty"`
	// From, instead of Value, is a field path of the object whose scalar
	// value the edit copies (a container's memory limit from its request);
	// without that field the fix does not apply.
	From string `yaml:"from,omitempty"`
	// CatalogValue, instead of Value, names a value of the catalogs'
	// values: (an organisation's default: cpu_request, liveness_probe);
	// when no catalog sets it the fix does not apply, and the finding's
	// FixNote names it. With From, it is the value written when the
	// object, as the finding found it, has no field to copy.
	CatalogValue string `yaml:"catalog_value,omitempty"`
	// CatalogMap, with Replace, names a value of the catalogs' values:
	// that is a table, a mapping of strings to strings: the field's
	// present value is looked up in it and replaced by what the table
	// gives (image_mirrors: a public image reference to the
	// organisation's approved copy of it). A present value the table
	// has no entry for makes no suggestion, and the finding's FixNote
	// names the table and the value.
	CatalogMap string `yaml:"catalog_map,omitempty"`
	// MapBy, with Fill and CatalogMap, is the field of the object whose
	// present value is looked up in the table instead of the filled
	// field's own (an image: the container's image); the table's value
	// for it, a scalar or a mapping, fills the field (liveness_probes: an
	// image to the organisation's liveness probe for it). An image is
	// matched as Docker reads a reference, and a table key without a tag
	// stands for every tag of the image. No entry makes no suggestion.
	MapBy string `yaml:"map_by,omitempty"`
	// CatalogValues, with Document only, are fields of the new document
	// that take a value of the catalogs' values: a field path inside the
	// document (plain keys: spec.ingress) to a value name. The document
	// does not write the field itself; the catalog value is written there,
	// with its missing parents. When no catalog sets one of the names the
	// fix does not apply, and the finding's FixNote names them (a
	// NetworkPolicy without the organisation's rules would deny all
	// traffic, or allow all).
	CatalogValues map[string]string `yaml:"catalog_values,omitempty"`
}

// ExampleFinding is the subset of a finding an example sets.
type ExampleFinding struct {
	Tool     string            `yaml:"tool"`
	Code     string            `yaml:"code"`
	Message  string            `yaml:"message"`
	Path     string            `yaml:"path,omitempty"`
	Line     int               `yaml:"line,omitempty"`
	Resource string            `yaml:"resource,omitempty"`
	Severity string            `yaml:"severity,omitempty"`
	Extra    map[string]string `yaml:"extra,omitempty"`
}
