package messages

func fixnoteProbeJa() map[Key]string {
	return map[Key]string{
		"fixnote.placeholder_multi": "プレースホルダー $%s の値が 1 つに決まりません",
		"fixnote.probe_port":        "%[1]s は %[2]s という名前のポートを使いますが、コンテナ %[3]s はその名前のポートを宣言していません (コンテナにない名前のポートを指す probe は毎回失敗します)",
		"fixnote.probe_handlers":    "修正後のコンテナ %[2]s の %[1]s には httpGet、tcpSocket、exec、grpc のうち 2 つ以上が入ります (probe に指定できるのは 1 つだけです)",
		"fixnote.probes_identical":  "コンテナ %s の readinessProbe と livenessProbe が同じチェックになります (kube-score はこれを危険と報告します。readiness と一緒に失敗する liveness probe は、ロードバランサーから外すだけでよい Pod を再起動します)",
		"fixnote.port_none":         "コンテナ %s は TCP ポートを宣言していません ($container_port の TCP probe には、プロセスが待ち受けるポートが必要です)",
		"fixnote.port_several":      "コンテナ %s は TCP ポートを %d 個宣言しています。どれが応答するかは所有者が決めることです ($container_port)",
	}
}

func init() { fills = append(fills, func() { add(ja, fixnoteProbeJa()) }) }
