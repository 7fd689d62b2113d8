package messages

// Where the locate stage put a finding (translator.Finding.LocatedText);
// the English text is Finding.Located, byte for byte.
func locateEn() map[Key]string {
	return map[Key]string{
		"loc.container":             "%s %s of %s",
		"loc.w.containers":          "container",
		"loc.w.initContainers":      "init container",
		"loc.w.ephemeralContainers": "ephemeral container",
		"loc.field":                 "field %s of %s",
		"loc.several":               "field %s of %s matches several items; pointing at %s",
		"loc.unset":                 "field %s of %s is not set; pointing at %s, the nearest existing parent,",
		"loc.resource":              "resource %s found",
		"loc.at":                    "%s at %s:%d",
		"loc.attr":                  "attribute %s of %s",
		"loc.attr_unset":            "attribute %s of %s is not set; pointing at %s",
		"loc.attr_block":            "attribute %s of %s is not set; pointing at the resource block",
		"loc.helm_exact":            "%s at %s:%d (rendered at %s)",
		"loc.helm_approx":           "approximate: %s at %s; the template %s has no literal line for it, pointing at %s on line %d",
		"loc.helm_first":            "approximate: %s at %s; the template %s has no literal line for it, pointing at its first line",
	}
}

func init() { fills = append(fills, func() { add(en, locateEn()) }) }
