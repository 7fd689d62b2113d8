package messages

func errJa() map[Key]string {
	return map[Key]string{
		"err.not_exist": "%[2]s が見つかりません (%[1]s)",
		"list.join":     "%s。%s",
		"err.text":      "%s",
	}
}

func init() { fills = append(fills, func() { add(ja, errJa()) }) }
