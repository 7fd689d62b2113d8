package parsers

import (
	"strings"
	"testing"
)

func TestKubeconformBadInput(t *testing.T) {
	checkBadInput(t, "kubeconform", "kubeconform", "k8s-invalid.json", 0,
		`{"summary": {}}`, `[]`, `{"resources": {"a": 1}}`)
}

func TestKubeconformDetect(t *testing.T) {
	checkDetected(t, "kubeconform", "kubeconform")
}

// kubeconform counts resources: the Deployment with three validation errors
// is one finding whose pointers are all kept.
func TestKubeconformOnePerResource(t *testing.T) {
	fs, err := parseWith(t, "kubeconform", readFixture(t, "kubeconform", "k8s-invalid.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, f := range fs {
		codes[f.Resource] = f.Code
		if f.Resource == "Deployment/promo-worker" {
			if f.Extra["json_pointer"] != "/spec" ||
				f.Extra["json_pointers"] != "/spec,/spec/replicas,/spec/template/spec/containers/0/ports/0/containerPort" {
				t.Errorf("pointers: %v", f.Extra)
			}
		}
	}
	want := map[string]string{
		"Deployment/promo-worker":        KubeconformInvalid,
		"Service/promo-worker":           KubeconformInvalid,
		"PromotionCampaign/black-friday": KubeconformMissingSchema,
	}
	if len(codes) != len(want) || len(fs) != 3 {
		t.Fatalf("got %v", codes)
	}
	for r, c := range want {
		if codes[r] != c {
			t.Errorf("%s: code %q, want %q", r, codes[r], c)
		}
	}
}

// The keys of strict mode's "additional properties" errors become JSON
// pointers. The messages are kubeconform's (go install
// github.com/yannh/kubeconform/cmd/kubeconform, -strict, the corpus
// schemas) on a ServiceAccount with metadata keys lables, anotations and
// "we/ird"; the other kinds of error name no key.
func TestKubeconformUnknownFields(t *testing.T) {
	for _, c := range []struct{ path, msg, want string }{
		{"/metadata", "additional properties 'anotations', 'lables', 'we/ird' not allowed", "/metadata/anotations,/metadata/lables,/metadata/we~1ird"},
		{"/spec/template/spec/containers/0", "additional properties 'readinessprobe' not allowed", "/spec/template/spec/containers/0/readinessprobe"},
		{"/spec", "missing property 'selector'", ""},
		{"/spec/replicas", "got string, want null or integer", ""},
	} {
		if got := strings.Join(unknownFields(c.path, c.msg), ","); got != c.want {
			t.Errorf("unknownFields(%q, %q) = %q, want %q", c.path, c.msg, got, c.want)
		}
	}
}
