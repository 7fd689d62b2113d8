package translator

import "testing"

func TestNormalizeCode(t *testing.T) {
	same := [][]string{
		{"KSV-0017", "KSV017", "AVD-KSV-0017", "ksv17", "ksv_017"},
		{"KSV-01010", "KSV01010", "AVD-KSV-01010"},
		{"CKV_K8S_16", "ckv-k8s-16", "CKV_K8S_016"},
		{"DL3008", "dl-3008"},
		{"AWS-0086", "AVD-AWS-0086"},
		{"K8S-012", "K8S-12", "k8s_012"},
		{"privileged-container", "Privileged_Container"},
	}
	for _, group := range same {
		want := NormalizeCode(group[0])
		for _, c := range group[1:] {
			if got := NormalizeCode(c); got != want {
				t.Errorf("NormalizeCode(%q) = %q, want %q (same as %q)", c, got, want, group[0])
			}
		}
	}
	different := [][2]string{
		{"KSV-0017", "KSV-0170"},
		{"KSV-0017", "KSV-1017"},
		{"K8S-012", "K8S-013"},
		{"AVD", "avd-x"},
		{"SC2086", "SC2087"},
	}
	for _, p := range different {
		if NormalizeCode(p[0]) == NormalizeCode(p[1]) {
			t.Errorf("NormalizeCode(%q) == NormalizeCode(%q) = %q", p[0], p[1], NormalizeCode(p[0]))
		}
	}
	if got := NormalizeCode("KSV-0017"); got != "ksv-17" {
		t.Errorf("NormalizeCode(KSV-0017) = %q, want ksv-17", got)
	}
	if got := NormalizeCode("AVD"); got != "avd" {
		t.Errorf("a lone avd token must stay: got %q", got)
	}
}
