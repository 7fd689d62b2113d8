package messages

// The FixNote of a finding that names a chart template not under the base
// directory (kube-score's "# Source:" path of a rendered stream).
func fixnoteHelmEn() map[Key]string {
	return map[Key]string{
		"fixnote.chart_missing": "%s is a Helm chart template that is not under the base directory: the fix belongs in the template (a change to rendered output is lost on the next render); run with the chart in the tree",
		"fixnote.rendered":      "%s is rendered by Helm from the template %s (its \"# Source:\" comment): the fix belongs in the template (a change to rendered output is lost on the next render)",
	}
}

func init() { fills = append(fills, func() { add(en, fixnoteHelmEn()) }) }
