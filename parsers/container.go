package parsers

import "github.com/runbook-translator/runbook-translator/internal/lazyre"

// containerInMessage finds the container a policy message names:
// `container "web"` (konstraint/conftest style), `container <web>`
// (Gatekeeper library style) or `container 'web'`.
var containerInMessage = lazyre.New(`(?i)\bcontainer\s+(?:"([^"\s]+)"|<([^>\s]+)>|'([^'\s]+)')`)

// ContainerFromMessage returns the container name a message names, or "".
// Policy engines put it only in the text; the locate stage uses it (as
// Extra["container"]) to point at the container rather than the object.
func ContainerFromMessage(msg string) string {
	m := containerInMessage().FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	for _, g := range m[1:] {
		if g != "" {
			return g
		}
	}
	return ""
}
