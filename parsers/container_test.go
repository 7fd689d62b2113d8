package parsers

import "testing"

func TestContainerFromMessage(t *testing.T) {
	for msg, want := range map[string]string{
		`K8S-015: Deployment/catalog-api: container "api" sets allowPrivilegeEscalation: true`: "api",
		`GK-101: Deployment/storefront: container <asset-sync> image <busybox> is not allowed`: "asset-sync",
		`Container 'api' of Deployment 'catalog-api' should set ...`:                           "api",
		`K8S-012: StatefulSet/catalog-db: containers must not run as root`:                     "",
	} {
		if got := ContainerFromMessage(msg); got != want {
			t.Errorf("ContainerFromMessage(%q) = %q, want %q", msg, got, want)
		}
	}
}
