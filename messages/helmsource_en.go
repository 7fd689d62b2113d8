package messages

// Where the locate stage put a finding that names a chart template (the
// "# Source:" path kube-score reports) when no rendered stream is under the
// root: the template itself was searched. Finding.Located, byte for byte.
func helmSourceEn() map[Key]string {
	return map[Key]string{
		"loc.src_exact":  "%s at %s:%d (the template the finding names as %s)",
		"loc.src_approx": "approximate: %s; the template %s has no literal line for it, pointing at %s on line %d",
		"loc.src_first":  "approximate: %s; the template %s has no literal line for it, pointing at its first line",
	}
}

func init() { fills = append(fills, func() { add(en, helmSourceEn()) }) }
