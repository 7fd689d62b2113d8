package messages

// The mark of a message, note or runbook text that the local and
// Markdown reports cut to their per-item bound (reporters.truncateIn).
var truncateEn = map[Key]string{
	"report.truncated": "… (truncated)",
}

func init() { add(en, truncateEn) }
