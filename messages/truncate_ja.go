package messages

var truncateJa = map[Key]string{
	"report.truncated": "… (省略)",
}

func init() { add(ja, truncateJa) }
