package messages

var fixnoteHelmJa = map[Key]string{
	"fixnote.chart_missing": "%s はベースディレクトリの下にない Helm チャートのテンプレートです。修正はテンプレートに対して行うものです(レンダリング結果を変更しても次のレンダリングで失われます)。チャートをツリーに含めて実行してください",
}

func init() { add(ja, fixnoteHelmJa) }
