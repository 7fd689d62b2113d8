package messages

// fixerrJa is the Japanese of fixerrEn; the edit's operation (set,
// delete, add) and field path stay as the catalog writes them.
var fixerrJa = map[Key]string{
	"fixerr.outside":     "ベースディレクトリの外にあります",
	"fixerr.no_parse":    "%s %s の編集後、ファイルをパースできなくなります",
	"fixerr.still_there": "修正後も %s が残っています",
	"fixerr.not_held":    "修正後の %s が %v になっていません",
	"fixerr.not_listed":  "修正後の %s に %v が含まれていません",
	"fixerr.hcl_parse":   "修正後の %s をパースできません: %s",
}

func init() { add(ja, fixerrJa) }
