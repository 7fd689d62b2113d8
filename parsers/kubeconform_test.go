package parsers

import "testing"

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
