package messages

var errJa = map[Key]string{
	"err.not_exist": "%[2]s が見つかりません (%[1]s)",
	"list.join":     "%s。%s",
	"err.text":      "%s",
}

func init() { add(ja, errJa) }
