package reporters

import translator "github.com/runbook-translator/runbook-translator"

// Streamer is implemented by reporters that can write findings as the
// pipeline produces them, without holding the whole run in memory.
//
// Begin is called once before the first finding, Write once per finding (in
// arrival order, active and ignored alike), End once after the last. The run
// passed to Begin and End carries FailLevel, Notes, Tools, Now and Version;
// its Findings may be empty, so a streamer keeps its own tallies.
//
// Streamed output is not sorted: a reporter's Report method is the
// deterministic, sorted form.
type Streamer interface {
	Begin(run *translator.Run) error
	Write(f *translator.Finding) error
	End(run *translator.Run) error
}
