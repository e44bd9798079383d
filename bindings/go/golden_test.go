// SPDX-License-Identifier: Apache-2.0

package gwroute_test

// The golden test routes every request of tests/golden (and of examples/)
// through the binding and through the C reference, the gwroute CLI, and
// requires the same decision, field for field, in the CLI's JSON shape
// (DESIGN.md "Decision line", examples/cli/decision_json.c). Every line gets
// the same weighted-choice value on both sides. It also compares the
// status reports. GWROUTE_CLI names the CLI (default ../../build/gwroute);
// without it the test is skipped.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gwroute.dev/gwroute"
)

type goldenCase struct {
	name     string
	config   string // a file, or a folder of *.yaml, *.yml, *.json
	requests string // empty: status only
}

func goldenCases(t *testing.T) []goldenCase {
	dirs, err := filepath.Glob("../../tests/golden/*/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases under ../../tests/golden (%v)", err)
	}
	cases := []goldenCase{{"examples", "../../examples/manifests", "../../examples/requests.jsonl"}}
	for _, dir := range dirs {
		c := goldenCase{name: strings.TrimPrefix(dir, "../../tests/golden/")}
		for _, config := range []string{"config.yaml", "config"} {
			if _, err := os.Stat(filepath.Join(dir, config)); err == nil {
				c.config = filepath.Join(dir, config)
				break
			}
		}
		if c.config == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "requests.jsonl")); err == nil {
			c.requests = filepath.Join(dir, "requests.jsonl")
		}
		cases = append(cases, c)
	}
	return cases
}

func TestGolden(t *testing.T) {
	cli := os.Getenv("GWROUTE_CLI")
	if cli == "" {
		cli = "../../build/gwroute"
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("no gwroute CLI (set GWROUTE_CLI): %v", err)
	}
	var cases, requests, skipped, statuses int
	for _, c := range goldenCases(t) {
		c := c
		t.Run(c.name, func(t *testing.T) {
			text, err := readConfig(c.config)
			if err != nil {
				t.Fatal(err)
			}
			table, err := gwroute.CompileWithOptions(text, gwroute.Options{Source: c.config})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			defer table.Close()
			if !isDir(c.config) { // per-file source names differ from one joined text
				compareStatus(t, cli, c.config, table)
				statuses++
			}
			if c.requests != "" {
				n, s := compareRoutes(t, cli, c, table)
				cases++
				requests += n
				skipped += s
			}
		})
	}
	fmt.Printf("golden: %d cases, %d requests with identical decisions, %d lines the CLI rejects skipped; %d status reports identical\n",
		cases, requests, skipped, statuses)
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// readConfig reads a file, or a folder's *.yaml, *.yml and *.json files
// sorted by name and joined as YAML documents (as the CLI loads a folder).
func readConfig(path string) ([]byte, error) {
	if !isDir(path) {
		return os.ReadFile(path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var text bytes.Buffer
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(path, name))
		if err != nil {
			return nil, err
		}
		text.WriteString("\n---\n")
		text.Write(b)
	}
	return text.Bytes(), nil
}

func runCLI(t *testing.T, cli string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(cli, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("%s: %v", cli, err)
	}
	return out
}

func compareStatus(t *testing.T, cli, config string, table *gwroute.Table) {
	got, err := table.Status()
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	want := runCLI(t, cli, "status", "-f", config)
	if !sameJSON(t, got, want) {
		t.Errorf("status differs\n go: %s\ncli: %s", got, want)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	var x, y interface{}
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// choiceFor is the weighted-choice value of the request on line i.
func choiceFor(i int) uint64 { return uint64(i) * 11400714819323198485 % (1 << 53) }

// compareRoutes routes every request line both ways; it returns how many
// decisions were compared and how many lines both sides rejected.
func compareRoutes(t *testing.T, cli string, c goldenCase, table *gwroute.Table) (compared, skipped int) {
	data, err := os.ReadFile(c.requests)
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		no  int
		req gwroute.Request
		err error // the line is not a valid request
	}
	var lines []line
	var input bytes.Buffer // the lines, each with its "choice", for the CLI
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		req, hasChoice, err := parseRequestLine(text)
		if !hasChoice {
			req.Choice = choiceFor(i)
			if strings.HasPrefix(text, "{") {
				sep := ","
				if strings.HasPrefix(strings.TrimSpace(text[1:]), "}") {
					sep = ""
				}
				text = fmt.Sprintf(`{"choice": %d%s%s`, req.Choice, sep, text[1:])
			}
		}
		input.WriteString(text + "\n")
		lines = append(lines, line{i + 1, req, err})
	}
	tmp := filepath.Join(t.TempDir(), "requests.jsonl")
	if err := os.WriteFile(tmp, input.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := strings.Split(strings.TrimSpace(string(runCLI(t, cli, "route", "-f", c.config, "--requests", tmp))), "\n")
	if len(out) != len(lines) {
		t.Fatalf("the CLI printed %d lines for %d requests", len(out), len(lines))
	}
	for k, l := range lines {
		var want map[string]interface{}
		if err := json.Unmarshal([]byte(out[k]), &want); err != nil {
			t.Fatalf("line %d: CLI output is not JSON: %v", l.no, err)
		}
		_, cliErr := want["error"]
		if l.err != nil {
			if !cliErr {
				t.Errorf("line %d: rejected here (%v), the CLI routed it: %s", l.no, l.err, out[k])
			}
			skipped++
			continue
		}
		d, err := table.Route(&l.req)
		switch {
		case err != nil && cliErr:
			compared++ // both refuse it (e.g. no such gateway)
		case err != nil:
			t.Errorf("line %d: Route: %v; the CLI: %s", l.no, err, out[k])
		case cliErr:
			t.Errorf("line %d: the CLI failed (%s), Route gave %+v", l.no, out[k], d)
		default:
			got, _ := json.Marshal(cliJSON(d))
			if !sameJSON(t, got, []byte(out[k])) {
				t.Errorf("line %d: decisions differ\n go: %s\ncli: %s", l.no, got, out[k])
			}
			compared++
		}
	}
	return compared, skipped
}

// parseRequestLine reads a request line as the CLI does
// (examples/cli/request_line.c), with its defaults.
func parseRequestLine(text string) (r gwroute.Request, hasChoice bool, err error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		return r, false, err
	}
	str := func(name string, out *string) error {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return nil
		}
		return json.Unmarshal(raw, out)
	}
	integer := func(name string, min, max int64) (int64, bool, error) {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || n < min || n > max {
			return 0, false, fmt.Errorf("%s must be an integer from %d to %d", name, min, max)
		}
		return n, true, nil
	}
	for name := range fields {
		switch name {
		case "gateway", "port", "sni", "method", "scheme", "host", "path", "headers", "key", "protocol", "choice":
		default:
			return r, false, fmt.Errorf("unknown field %s", name)
		}
	}
	protocol := ""
	for _, f := range []struct {
		name string
		out  *string
	}{{"gateway", &r.Gateway}, {"sni", &r.SNI}, {"method", &r.Method}, {"scheme", &r.Scheme},
		{"host", &r.Host}, {"path", &r.Path}, {"key", &r.Key}, {"protocol", &protocol}} {
		if err := str(f.name, f.out); err != nil {
			return r, false, err
		}
	}
	if g := r.Gateway; g != "" && (strings.Count(g, "/") != 1 || strings.HasPrefix(g, "/") || strings.HasSuffix(g, "/")) {
		return r, false, fmt.Errorf("gateway must look like namespace/name")
	}
	if _, given := fields["method"]; given && string(fields["method"]) != "null" && r.Method == "" {
		return r, false, fmt.Errorf("method must not be empty")
	}
	if r.Scheme != "" && r.Scheme != "http" && r.Scheme != "https" {
		return r, false, fmt.Errorf("scheme must be http or https")
	}
	port, _, err := integer("port", 1, 65535)
	if err != nil {
		return r, false, err
	}
	r.Port = int(port)
	choice, hasChoice, err := integer("choice", 0, 1<<53-1)
	if err != nil {
		return r, false, err
	}
	r.Choice = uint64(choice)
	if raw, ok := fields["headers"]; ok && string(raw) != "null" {
		var pairs [][]string
		if err := json.Unmarshal(raw, &pairs); err != nil {
			return r, false, err
		}
		for _, p := range pairs {
			if len(p) != 2 || p[0] == "" {
				return r, false, fmt.Errorf("headers must be [name, value] pairs")
			}
			r.Headers = append(r.Headers, gwroute.Header{Name: p[0], Value: p[1]})
		}
	}
	switch protocol {
	case "":
		if protocolGiven := fields["protocol"] != nil && string(fields["protocol"]) != "null"; protocolGiven {
			return r, false, fmt.Errorf("protocol must be http, grpc, tls, tcp or udp")
		}
		for _, h := range r.Headers {
			if strings.EqualFold(h.Name, "content-type") &&
				strings.HasPrefix(strings.ToLower(h.Value), "application/grpc") {
				r.Protocol = gwroute.GRPC
			}
		}
	case "http", "grpc", "tls", "tcp", "udp":
		r.Protocol = map[string]gwroute.Protocol{"http": gwroute.HTTP, "grpc": gwroute.GRPC,
			"tls": gwroute.TLS, "tcp": gwroute.TCP, "udp": gwroute.UDP}[protocol]
	default:
		return r, false, fmt.Errorf("protocol must be http, grpc, tls, tcp or udp")
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if r.Scheme == "" {
		r.Scheme = "http"
	}
	if raw, ok := fields["path"]; !ok || string(raw) == "null" {
		r.Path = "/"
	}
	return r, hasChoice, nil
}

// cliJSON is a decision in the shape the CLI prints it.
func cliJSON(d gwroute.Decision) map[string]interface{} {
	orNull := func(s string) interface{} {
		if s == "" {
			return nil
		}
		return s
	}
	count := func(n int) interface{} { // negative: none
		if n < 0 {
			return nil
		}
		return n
	}
	port := func(n int) interface{} {
		if n <= 0 {
			return nil
		}
		return n
	}
	pairs := func(hs []gwroute.Header) [][2]string {
		out := [][2]string{}
		for _, h := range hs {
			out = append(out, [2]string{h.Name, h.Value})
		}
		return out
	}
	m := map[string]interface{}{"action": d.Action.String()}
	if d.Action != gwroute.Forward {
		if d.Action == gwroute.Respond || d.Action == gwroute.Redirect {
			m["status"] = d.Status
		}
		if d.Action == gwroute.Respond || d.Action == gwroute.Reject {
			m["reason"] = d.Reason
		}
		if d.Action == gwroute.Redirect {
			m["location"] = d.Location
		}
		if d.GRPCStatus >= 0 {
			m["grpc_status"] = d.GRPCStatus
		}
		m["headers"] = pairs(d.Headers)
	}
	m["listener"] = orNull(d.Listener)
	m["route"] = nil
	if r := d.Route; r != nil {
		m["route"] = map[string]interface{}{"kind": r.Kind, "namespace": r.Namespace, "name": r.Name,
			"rule": count(r.Rule), "match": count(r.Match)}
	}
	m["backend"] = nil
	if b := d.Backend; b != nil {
		m["backend"] = map[string]interface{}{"group": b.Group, "kind": b.Kind, "namespace": b.Namespace,
			"name": b.Name, "port": port(b.Port)}
	}
	m["upstream"] = nil
	if u := d.Upstream; u != nil {
		m["upstream"] = map[string]interface{}{"method": u.Method, "scheme": u.Scheme, "host": u.Host,
			"path": u.Path, "headers": pairs(u.Headers)}
	}
	set, add, remove := []gwroute.Header{}, []gwroute.Header{}, []string{}
	for _, op := range d.ResponseHeaderOps {
		switch op.Op {
		case gwroute.SetHeader:
			set = append(set, gwroute.Header{Name: op.Name, Value: op.Value})
		case gwroute.AddHeader:
			add = append(add, gwroute.Header{Name: op.Name, Value: op.Value})
		case gwroute.RemoveHeader:
			remove = append(remove, op.Name)
		}
	}
	m["response_headers"] = map[string]interface{}{"set": pairs(set), "add": pairs(add), "remove": remove}
	mirrors := []interface{}{}
	for _, b := range d.Mirrors {
		mirrors = append(mirrors, map[string]interface{}{"group": b.Group, "kind": b.Kind,
			"namespace": b.Namespace, "name": b.Name, "port": port(b.Port)})
	}
	m["mirrors"] = mirrors
	m["timeouts"] = map[string]interface{}{"request": orNull(d.Timeouts.Request),
		"backend_request": orNull(d.Timeouts.BackendRequest)}
	m["retry"] = nil
	if r := d.Retry; r != nil {
		codes := []int{}
		codes = append(codes, r.Codes...)
		m["retry"] = map[string]interface{}{"codes": codes, "attempts": count(r.Attempts), "backoff": orNull(r.Backoff)}
	}
	m["session_persistence"] = nil
	if s := d.Session; s != nil {
		m["session_persistence"] = map[string]interface{}{"type": s.Type, "name": orNull(s.Name),
			"path": orNull(s.CookiePath), "lifetimeType": orNull(s.LifetimeType),
			"absoluteTimeout": orNull(s.AbsoluteTimeout), "idleTimeout": orNull(s.IdleTimeout)}
	}
	refs := []interface{}{}
	for _, x := range d.ExtensionRefs {
		refs = append(refs, map[string]interface{}{"group": x.Group, "kind": x.Kind, "name": x.Name})
	}
	m["extension_refs"] = refs
	return m
}
