package messages

func truncateJa() map[Key]string {
	return map[Key]string{
		"report.truncated": "… (省略)",
	}
}

func init() { fills = append(fills, func() { add(ja, truncateJa()) }) }
