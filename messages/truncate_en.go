package messages

// The mark of a message, note or runbook text that the local and
// Markdown reports cut to their per-item bound (reporters.truncateIn).
func truncateEn() map[Key]string {
	return map[Key]string{
		"report.truncated": "… (truncated)",
	}
}

func init() { fills = append(fills, func() { add(en, truncateEn()) }) }
