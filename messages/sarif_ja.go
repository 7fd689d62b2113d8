package messages

// sarifJa is the Japanese of sarifEn. "アラート" is the word GitHub code
// scanning's Japanese documentation uses for a result.
func sarifJa() map[Key]string {
	return map[Key]string{
		"sarif.generic_help": "このルールの Runbook は指摘ごとに書かれています (対象のファイル、オブジェクト、値を名指しします): " +
			"各アラートでの対処は、そのアラートのメッセージのツール自身のメッセージの後にあります。\n",
		"sarif.owner": "\n担当: %s\n",
		"sarif.see":   "\n参照: %s\n",
	}
}

func init() { fills = append(fills, func() { add(ja, sarifJa()) }) }
