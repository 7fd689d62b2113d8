package messages

// Why a probe an organisation catalog sets is not added (fix/probeport.go),
// and why a fix path's placeholder names no one field (locate/hint.go).
func fixnoteProbeEn() map[Key]string {
	return map[Key]string{
		// probe_port: the probe (readinessProbe), the port name it uses,
		// the container that declares no port of that name.
		// placeholder_multi: a $name of a fix path (locate/hint.go) whose
		// finding value is empty or lists several (kube-score's
		// comma-separated containers): pointing at one would be a guess.
		"fixnote.placeholder_multi": "placeholder $%s has no single value",
		"fixnote.probe_port":        "the %s would use the port named %s, which container %s does not declare (a probe on a port name the container lacks fails every time)",
		// probe_handlers: the probe (readinessProbe) and the container
		// whose probe would have several handlers after the fix (an
		// organisation's tcp_readiness_probe that writes an httpGet).
		"fixnote.probe_handlers": "the %s of container %s would have more than one of httpGet, tcpSocket, exec and grpc (a probe takes exactly one)",
		// port_none and port_several ($container_port): the container, and
		// the number of TCP ports it declares.
		// probes_identical: the container whose readiness and liveness
		// probes the fix would leave the same check (kube-score's
		// pod-probes-identical).
		"fixnote.probes_identical": "the readinessProbe and livenessProbe of container %s would be the same check (kube-score reports that as dangerous: a liveness probe that fails with readiness restarts pods that only needed to leave the load balancer)",
		"fixnote.port_none":        "container %s declares no TCP port (a TCP probe needs the port the process listens on, for $container_port)",
		"fixnote.port_several":     "container %s declares %d TCP ports; which one answers is for its owners to say (for $container_port)",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteProbeEn()) }) }
