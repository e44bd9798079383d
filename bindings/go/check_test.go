// SPDX-License-Identifier: Apache-2.0

package gwroute_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"gwroute.dev/gwroute"
)

func seedTable(t *testing.T) *gwroute.Table {
	t.Helper()
	text, err := readConfig("../../examples/manifests")
	if err != nil {
		t.Fatal(err)
	}
	table, err := gwroute.Compile(text)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { table.Close() })
	return table
}

func TestCheckSeed(t *testing.T) {
	table := seedTable(t)
	tests, err := os.ReadFile("../../tests/check/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	report, summary, err := table.Check(tests, gwroute.CheckCoverage)
	if err != nil {
		t.Fatal(err)
	}
	want := gwroute.CheckSummary{Tests: 19, Failed: 0, Rules: 12, RulesHit: 12, Matches: 12,
		MatchesHit: 12, CoveragePermille: 1000}
	if summary != want {
		t.Errorf("summary %+v, want %+v\n%s", summary, want, report)
	}
	if strings.Contains(report, "FAIL") {
		t.Errorf("a test failed:\n%s", report)
	}
}

func TestCheckSeedFailing(t *testing.T) {
	table := seedTable(t)
	tests, err := os.ReadFile("../../tests/check/seed-failing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	report, summary, err := table.Check(tests, gwroute.CheckCoverage)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Tests != 5 || summary.Failed != 4 || summary.MatchesHit != 4 || summary.CoveragePermille != 333 {
		t.Errorf("summary %+v", summary)
	}
	for _, line := range []string{
		"FAIL wrong backend for /v2\n",
		"  expected backend api-v1, got default/api-v2:8080\n",
		"  TLSRoute default/mqtt-tls spec.rules[0]: never exercised\n",
	} {
		if !strings.Contains(report, line) {
			t.Errorf("no %q in\n%s", line, report)
		}
	}
	report, _, err = table.Check(tests, gwroute.CheckJSON)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary struct{ Failed int }
	}
	if err := json.Unmarshal([]byte(report), &doc); err != nil || doc.Summary.Failed != 4 {
		t.Errorf("JSON report %v %+v:\n%s", err, doc, report)
	}
}

func TestCheckSchemaError(t *testing.T) {
	table := seedTable(t)
	_, _, err := table.Check([]byte("tests:\n- expect:\n    statsu: 200\n"), 0)
	var e *gwroute.Error
	if !errors.As(err, &e) || e.Code != gwroute.ErrSchema || e.Line != 3 ||
		!strings.Contains(e.Message, "tests[0].expect.statsu: unknown field") {
		t.Errorf("err %#v", err)
	}
}
