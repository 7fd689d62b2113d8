package messages

func helmSourceJa() map[Key]string {
	return map[Key]string{
		"loc.src_exact":  "%s (%s:%d、指摘が %s として示すテンプレート)",
		"loc.src_approx": "おおよその位置: %[1]s。テンプレート %[2]s には対応するリテラル行がないため、%[4]d 行目の %[3]s を指しています",
		"loc.src_first":  "おおよその位置: %[1]s。テンプレート %[2]s には対応するリテラル行がないため、先頭行を指しています",
	}
}

func init() { fills = append(fills, func() { add(ja, helmSourceJa()) }) }
