package main

import (
	"github.com/spf13/cobra"
)

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "runbook-translator",
		Short: "Turn scanner and policy-check failures into runbook-backed findings",
		Long: `runbook-translator reads the output of scanners and policy checks (Conftest,
Trivy, tflint, checkov, kube-linter, hadolint, kubeconform, kube-score, gitleaks,
tfsec, gator, Kyverno, Polaris, actionlint, SARIF, checkstyle, rdjson and text
formats), attaches to every finding the runbook entry that says what to do,
drops what the team decided to ignore, and reports it in the terminal, in
machine formats and as pull/merge request comments.

Exit codes: 0 nothing at or above --fail-level; 1 findings at or above it;
2 usage, config, catalog or input error; 3 a reporter could not deliver.`,
		Version: version(),
	}
	silence(root)
	root.SetVersionTemplate("runbook-translator {{.Version}}\n")
	root.AddCommand(
		NewCmdReview(f, nil),
		NewCmdFix(f, nil),
		NewCmdFormats(f),
		NewCmdRunbooks(f),
		NewCmdVersion(f),
		NewCmdInit(f, nil),
		NewCmdIgnore(f),
	)
	root.AddCommand(helpTopics()...)
	registerCompletions(root)
	return root
}
