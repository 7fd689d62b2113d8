package fix

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/locate"
)

// A probe that names its port (httpGet.port: http) works only where the
// container declares a port of that name: the kubelet resolves the name
// in the container's ports, and a probe whose name resolves to nothing
// fails every time ("unable to find port"), so a readiness probe keeps the
// Pod out of its Service and a liveness probe restarts it forever
// (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port).
// An organisation's standard probe (values: readiness_probe) names the
// port its convention gives web servers; a container that follows another
// (Redis's port "redis") must not get it. So a fix that adds a probe
// naming a port the container does not declare is refused.

// probeKeys are the probes of a container.
var probeKeys = []string{"readinessProbe", "livenessProbe", "startupProbe"}

// checkProbePorts returns an error when edited, the object after the
// fix, has a probe that before did not have (added, or given another
// port) naming a port its container does not declare, a probe the fix
// gave a second handler, or a readiness and liveness probe the fix made
// the same check (sameProbe).
func checkProbePorts(before, edited *locate.Document) error {
	// was holds each container's probes as the object had them: what was
	// written there is the authors', not the fix's doing
	was := map[string]*yaml.Node{}
	eachContainer(before.Root, func(name string, c *yaml.Node) {
		for _, k := range probeKeys {
			was[name+"\x00"+k] = mapValue(c, k)
		}
	})
	var err error
	eachContainer(edited.Root, func(name string, c *yaml.Node) {
		r, l := mapValue(c, "readinessProbe"), mapValue(c, "livenessProbe")
		if err == nil && sameProbe(r, l) && (!nodeEqual(was[name+"\x00readinessProbe"], r) || !nodeEqual(was[name+"\x00livenessProbe"], l)) {
			err = notHereP("fixnote.probes_identical", name)
		}
		for _, k := range probeKeys {
			p, w := mapValue(c, k), was[name+"\x00"+k]
			// a probe takes one handler; an organisation's probe that
			// writes its own next to the port a fix adds would be refused
			// by the API server
			if err == nil && handlers(p) > 1 && handlers(w) <= 1 {
				err = notHereP("fixnote.probe_handlers", k, name)
			}
			port := probePort(p)
			if err != nil || port == "" || probePort(w) == port {
				continue
			}
			if _, nerr := strconv.Atoi(port); nerr == nil {
				continue // a number: nothing to resolve
			}
			if !declaresPort(c, port) {
				err = notHereP("fixnote.probe_port", k, port, name)
			}
		}
	})
	return err
}

// eachContainer calls fn for every container and init container of the
// object (any "containers" or "initContainers" list of mappings with a
// name, at any depth: a Pod, a workload's template, a CronJob's job
// template).
func eachContainer(n *yaml.Node, fn func(name string, c *yaml.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			eachContainer(c, fn)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if (k.Value == "containers" || k.Value == "initContainers") && v.Kind == yaml.SequenceNode {
				for _, c := range v.Content {
					if name := scalar(c, "name"); c.Kind == yaml.MappingNode && name != "" {
						fn(name, c)
					}
				}
				continue
			}
			eachContainer(v, fn)
		}
	}
}

// probePort is the port a probe names (httpGet.port, tcpSocket.port;
// grpc takes a number only), or "".
func probePort(probe *yaml.Node) string {
	for _, h := range []string{"httpGet", "tcpSocket"} {
		if p := scalar(mapValue(probe, h), "port"); p != "" {
			return p
		}
	}
	return ""
}

// sameProbe reports whether readiness probe r and liveness probe l are
// the same check as kube-score's pod-probes-identical compares them
// (score/probes/probes.go of zegl/kube-score v1.20.0): httpGet with the
// same path and port (a named port's IntValue is 0 there, so any two
// names are one port), tcpSocket with the same port, or exec with the
// same command. A probe that replaces another must not be the readiness
// probe again (kube-score: "very likely dangerous").
func sameProbe(r, l *yaml.Node) bool {
	if r == nil || l == nil {
		return false
	}
	if rh, lh := mapValue(r, "httpGet"), mapValue(l, "httpGet"); rh != nil && lh != nil {
		rp, lp := scalar(rh, "port"), scalar(lh, "port")
		_, rerr := strconv.Atoi(rp)
		_, lerr := strconv.Atoi(lp)
		if scalar(rh, "path") == scalar(lh, "path") && (rp == lp || rerr != nil && lerr != nil) {
			return true
		}
	}
	if rt, lt := mapValue(r, "tcpSocket"), mapValue(l, "tcpSocket"); rt != nil && lt != nil && scalar(rt, "port") == scalar(lt, "port") {
		return true
	}
	if re, le := mapValue(mapValue(r, "exec"), "command"), mapValue(mapValue(l, "exec"), "command"); re != nil && le != nil && nodeEqual(re, le) {
		return true
	}
	return false
}

// probeHandlers are a probe's handlers, of which it takes exactly one
// (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe).
var probeHandlers = []string{"httpGet", "tcpSocket", "exec", "grpc"}

// handlers is the number of handlers probe has.
func handlers(probe *yaml.Node) int {
	n := 0
	for _, h := range probeHandlers {
		if mapValue(probe, h) != nil {
			n++
		}
	}
	return n
}

// declaresPort reports whether container c has a port named name.
func declaresPort(c *yaml.Node, name string) bool {
	ports := mapValue(c, "ports")
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return false
	}
	for _, p := range ports.Content {
		if scalar(deref(p), "name") == name {
			return true
		}
	}
	return false
}

// mapValue is the value of key in mapping n (a document's root too), or
// nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = deref(n.Content[0])
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	_, v := entry(n, key)
	return deref(v)
}
