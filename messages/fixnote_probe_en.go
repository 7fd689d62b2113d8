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
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteProbeEn()) }) }
