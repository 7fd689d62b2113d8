package main

import rego.v1

# A policy that prints (OPA print()) and writes multi-line messages, to
# record conftest's stdout for them (PRNT lines, continuation lines).
deny contains msg if {
	input.kind == "Deployment"
	print("checking", input.kind, input.metadata.name)
	msg := sprintf("P900: %s/%s: replicas not pinned\nset spec.replicas explicitly\nsee the runbook", [input.kind, input.metadata.name])
}

warn contains msg if {
	input.kind == "Service"
	msg := sprintf("P901: %s/%s: service has no owner label", [input.kind, input.metadata.name])
}
