package messages

func fixnoteProbeJa() map[Key]string {
	return map[Key]string{
		"fixnote.placeholder_multi": "プレースホルダー $%s の値が 1 つに決まりません",
		"fixnote.probe_port":        "%[1]s は %[2]s という名前のポートを使いますが、コンテナ %[3]s はその名前のポートを宣言していません (コンテナにない名前のポートを指す probe は毎回失敗します)",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteProbeJa()) }) }
