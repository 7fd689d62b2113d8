package messages

func fixnoteHelmJa() map[Key]string {
	return map[Key]string{
		"fixnote.chart_missing": "%s はベースディレクトリの下にない Helm チャートのテンプレートです。修正はテンプレートに対して行うものです(レンダリング結果を変更しても次のレンダリングで失われます)。チャートをツリーに含めて実行してください",
		"fixnote.rendered":      "%s はテンプレート %s から Helm がレンダリングしたものです(\"# Source:\" コメント)。修正はテンプレートに対して行うものです(レンダリング結果を変更しても次のレンダリングで失われます)",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteHelmJa()) }) }
