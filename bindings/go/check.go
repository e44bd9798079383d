// SPDX-License-Identifier: Apache-2.0

package gwroute

/*
#include <stdlib.h>
#include <gwroute.h>
*/
import "C"

import "unsafe"

// CheckFlags select what Table.Check reports (GWR_CHECK_*).
type CheckFlags int32

const (
	CheckJSON     CheckFlags = C.GWR_CHECK_JSON     // the report as one JSON document
	CheckCoverage CheckFlags = C.GWR_CHECK_COVERAGE // list every match entry no test exercised
	CheckExplain  CheckFlags = C.GWR_CHECK_EXPLAIN  // explain each failing test
)

// CheckSummary holds the totals of one Check run (gwr_check_summary).
type CheckSummary struct {
	Tests            int // tests run
	Failed           int // tests whose expectations did not hold
	Rules            int // route rules a request can reach
	RulesHit         int // of those, rules some test was routed by
	Matches          int // match entries (rule x match)
	MatchesHit       int // of those, matches some test was routed by
	CoveragePermille int // MatchesHit * 1000 / Matches (1000 when Matches is 0)
}

// Check runs route tests (YAML or JSON, see docs/check.md) against the
// table and returns the report and its totals. Failing tests are not an
// error; a test file that cannot be read is an *Error whose Message names
// the field path and whose Line gives the place.
func (t *Table) Check(tests []byte, flags CheckFlags) (string, CheckSummary, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ptr == nil {
		return "", CheckSummary{}, ErrClosed
	}
	// The bytes hold no Go pointers and are only read during the call.
	var text *C.char
	if len(tests) > 0 {
		text = (*C.char)(unsafe.Pointer(&tests[0]))
	}
	var report *C.char
	summary := new(C.gwr_check_summary)
	summary.struct_size = C.sizeof_gwr_check_summary
	cerr := newCError()
	rc := C.gwr_check(t.ptr, text, C.size_t(len(tests)), C.int32_t(flags), &report, summary, cerr)
	if rc != C.GWR_OK {
		return "", CheckSummary{}, goError(rc, cerr)
	}
	defer C.gwr_report_free(report)
	return C.GoString(report), CheckSummary{
		Tests:            int(summary.tests),
		Failed:           int(summary.failed),
		Rules:            int(summary.rules),
		RulesHit:         int(summary.rules_hit),
		Matches:          int(summary.matches),
		MatchesHit:       int(summary.matches_hit),
		CoveragePermille: int(summary.coverage_permille),
	}, nil
}
