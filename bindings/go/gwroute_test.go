// SPDX-License-Identifier: Apache-2.0

package gwroute_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"testing"

	"gwroute.dev/gwroute"
)

// One Gateway, one HTTPRoute with a header filter, a response header
// filter, a timeout and a 50/50 split; and a redirect rule.
const objects = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gw}
spec: {controllerName: example.net/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: prod, namespace: infra}
spec:
  gatewayClassName: gw
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Env, value: prod}]
        remove: [X-Debug]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        add: [{name: X-Served-By, value: gwroute}]
    timeouts: {request: 10s}
    backendRefs:
    - {name: v1-a, port: 8080, weight: 1}
    - {name: v1-b, port: 8080, weight: 1}
  - matches: [{path: {type: Exact, value: /old}}]
    filters:
    - type: RequestRedirect
      requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}
`

func compile(t testing.TB, text string) *gwroute.Table {
	t.Helper()
	table, err := gwroute.Compile([]byte(text))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	t.Cleanup(func() { table.Close() })
	return table
}

func route(t testing.TB, table *gwroute.Table, r gwroute.Request) gwroute.Decision {
	t.Helper()
	d, err := table.Route(&r)
	if err != nil {
		t.Fatalf("Route(%+v): %v", r, err)
	}
	return d
}

func TestVersion(t *testing.T) {
	if v := gwroute.Version(); v == "" || v[0] != '1' {
		t.Fatalf("Version() = %q, want 1.x", v)
	}
}

func TestForward(t *testing.T) {
	table := compile(t, objects)
	d := route(t, table, gwroute.Request{
		Host: "api.example.com", Path: "/v1/users?id=7", Method: "GET",
		Headers: []gwroute.Header{{"X-Debug", "1"}, {"Accept", "*/*"}},
		Choice:  0,
	})
	if d.Action != gwroute.Forward || d.Status != 0 || d.GRPCStatus != -1 {
		t.Fatalf("action %v status %d grpc %d, want forward", d.Action, d.Status, d.GRPCStatus)
	}
	if d.Listener != "infra/prod/http" {
		t.Errorf("Listener = %q", d.Listener)
	}
	wantRoute := &gwroute.RouteRef{Kind: "HTTPRoute", Namespace: "default", Name: "api", Rule: 0, Match: 0}
	if !reflect.DeepEqual(d.Route, wantRoute) {
		t.Errorf("Route = %+v, want %+v", d.Route, wantRoute)
	}
	if d.Backend == nil || d.Backend.Namespace != "default" || d.Backend.Port != 8080 ||
		(d.Backend.Name != "v1-a" && d.Backend.Name != "v1-b") {
		t.Errorf("Backend = %+v", d.Backend)
	}
	wantUp := &gwroute.Upstream{Method: "GET", Scheme: "http", Host: "api.example.com", Path: "/v1/users?id=7",
		Headers: []gwroute.Header{{"Accept", "*/*"}, {"X-Env", "prod"}}}
	if !reflect.DeepEqual(d.Upstream, wantUp) {
		t.Errorf("Upstream = %+v, want %+v", d.Upstream, wantUp)
	}
	wantOps := []gwroute.HeaderOp{{gwroute.AddHeader, "X-Served-By", "gwroute"}}
	if !reflect.DeepEqual(d.ResponseHeaderOps, wantOps) {
		t.Errorf("ResponseHeaderOps = %+v, want %+v", d.ResponseHeaderOps, wantOps)
	}
	if d.Timeouts.Request != "10s" || d.Timeouts.BackendRequest != "" || d.Retry != nil || d.Session != nil {
		t.Errorf("policies: %+v %+v %+v", d.Timeouts, d.Retry, d.Session)
	}
}

func TestWeightedChoiceIsStable(t *testing.T) {
	table := compile(t, objects)
	seen := map[string]bool{}
	for i := 0; i < 64; i++ {
		r := gwroute.Request{Host: "api.example.com", Path: "/v1", Key: fmt.Sprint("user-", i)}
		a, b := route(t, table, r), route(t, table, r)
		if a.Backend.Name != b.Backend.Name {
			t.Fatalf("key %q chose %s, then %s", r.Key, a.Backend.Name, b.Backend.Name)
		}
		seen[a.Backend.Name] = true
	}
	if len(seen) != 2 {
		t.Errorf("64 keys chose %v, want both backends", seen)
	}
	// Without a key, Choice picks: weights 1:1 take Choice % 2.
	even := route(t, table, gwroute.Request{Host: "api.example.com", Path: "/v1", Choice: 42})
	odd := route(t, table, gwroute.Request{Host: "api.example.com", Path: "/v1", Choice: 43})
	if even.Backend.Name == odd.Backend.Name {
		t.Errorf("Choice 42 and 43 both chose %s", even.Backend.Name)
	}
}

func TestRedirectAndRespond(t *testing.T) {
	table := compile(t, objects)
	d := route(t, table, gwroute.Request{Host: "api.example.com", Path: "/old"})
	if d.Action != gwroute.Redirect || d.Status != 301 || d.Location != "http://api.example.com/new" ||
		d.Upstream != nil || d.Backend != nil {
		t.Errorf("redirect: %+v", d)
	}
	if len(d.Headers) != 1 || d.Headers[0].Name != "Location" {
		t.Errorf("redirect headers: %+v", d.Headers)
	}
	d = route(t, table, gwroute.Request{Host: "api.example.com", Path: "/nothing"})
	if d.Action != gwroute.Respond || d.Status != 404 || d.Reason == "" || d.Route != nil {
		t.Errorf("no match: %+v", d)
	}
}

func TestGatewayNotFound(t *testing.T) {
	table := compile(t, objects)
	_, err := table.Route(&gwroute.Request{Gateway: "infra/nope", Path: "/"})
	var e *gwroute.Error
	if !errors.Is(err, gwroute.ErrNotFound) || !errors.As(err, &e) || e.Message == "" {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if _, err := table.Route(&gwroute.Request{Port: 70000}); !errors.Is(err, gwroute.ErrInvalid) {
		t.Fatalf("port 70000: err = %v, want ErrInvalid", err)
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := gwroute.CompileWithOptions([]byte("kind: Gateway\nmetadata: [\n"), gwroute.Options{Source: "bad.yaml"})
	var e *gwroute.Error
	if !errors.As(err, &e) || e.Code != gwroute.ErrParse || !errors.Is(err, gwroute.ErrParse) {
		t.Fatalf("err = %#v, want a parse *Error", err)
	}
	if e.File != "bad.yaml" || e.Line == 0 || e.Message == "" {
		t.Errorf("error position: %+v", e)
	}
}

const badRoute = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  rules:
  - matches: [{path: {type: PathPrefix, value: admin}}]
    backendRefs: [{name: x, port: 80}]
`

func TestProblems(t *testing.T) {
	table := compile(t, objects+badRoute)
	problems := table.Problems()
	if len(problems) != 1 {
		t.Fatalf("Problems() = %v, want one", problems)
	}
	p := problems[0]
	if p.Kind != "HTTPRoute" || p.Namespace != "default" || p.Name != "broken" ||
		p.Field != "spec.rules[0].matches[0].path.value" || !errors.Is(p, gwroute.ErrSchema) {
		t.Errorf("problem = %+v", p)
	}
	// The other objects still route.
	if d := route(t, table, gwroute.Request{Host: "api.example.com", Path: "/v1"}); d.Action != gwroute.Forward {
		t.Errorf("action %v, want forward", d.Action)
	}
	_, err := gwroute.CompileWithOptions([]byte(objects+badRoute), gwroute.Options{Strict: true})
	var e *gwroute.Error
	if !errors.As(err, &e) || e.Name != "broken" || e.Field != p.Field {
		t.Errorf("strict: err = %v, want the problem", err)
	}
}

func TestOptions(t *testing.T) {
	_, err := gwroute.CompileWithOptions([]byte(objects), gwroute.Options{
		Settings: map[gwroute.Setting]int64{gwroute.RegexOrder: 7}})
	if !errors.Is(err, gwroute.ErrInvalid) {
		t.Errorf("RegexOrder 7: err = %v, want ErrInvalid", err)
	}
	table, err := gwroute.CompileWithOptions([]byte(objects), gwroute.Options{Controller: "other.net/c"})
	if err != nil {
		t.Fatal(err)
	}
	defer table.Close()
	// The GatewayClass is not ours: no Gateway to route on.
	if _, err := table.Route(&gwroute.Request{Path: "/v1"}); !errors.Is(err, gwroute.ErrNotFound) {
		t.Errorf("foreign controller: err = %v, want ErrNotFound", err)
	}
}

func TestStatus(t *testing.T) {
	table := compile(t, objects+badRoute)
	text, err := table.Status()
	if err != nil {
		t.Fatal(err)
	}
	var status struct {
		Routes   []struct{ Name string }
		Gateways []struct{ Name string }
		Rejected []struct{ Name, Field string }
	}
	if err := json.Unmarshal(text, &status); err != nil {
		t.Fatalf("status is not JSON: %v\n%s", err, text)
	}
	if len(status.Routes) != 1 || len(status.Gateways) != 1 || len(status.Rejected) != 1 ||
		status.Rejected[0].Name != "broken" {
		t.Errorf("status: %s", text)
	}
}

func TestClose(t *testing.T) {
	table, err := gwroute.Compile([]byte(objects))
	if err != nil {
		t.Fatal(err)
	}
	d := route(t, table, gwroute.Request{Host: "api.example.com", Path: "/v1"})
	if err := table.Close(); err != nil {
		t.Fatal(err)
	}
	if err := table.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := table.Route(&gwroute.Request{}); err != gwroute.ErrClosed {
		t.Errorf("Route after Close: %v", err)
	}
	if _, err := table.Status(); err != gwroute.ErrClosed {
		t.Errorf("Status after Close: %v", err)
	}
	runtime.GC()
	// The decision is Go memory: still readable after the table is gone.
	if d.Route.Name != "api" || d.Upstream.Host != "api.example.com" {
		t.Errorf("decision after Close: %+v", d)
	}
}

func TestEmptyInput(t *testing.T) {
	table := compile(t, "")
	if _, err := table.Route(&gwroute.Request{}); !errors.Is(err, gwroute.ErrNotFound) {
		t.Errorf("empty table: err = %v, want ErrNotFound", err)
	}
}

// Several goroutines share one table; every decision must equal the one
// computed alone. Run with -race.
func TestConcurrentRoute(t *testing.T) {
	table := compile(t, objects)
	var requests []gwroute.Request
	for i := 0; i < 50; i++ {
		requests = append(requests,
			gwroute.Request{Host: "api.example.com", Path: fmt.Sprintf("/v1/%d", i), Choice: uint64(i) << 40,
				Headers: []gwroute.Header{{"X-Debug", "1"}, {"X-Req", fmt.Sprint(i)}}},
			gwroute.Request{Host: "api.example.com", Path: "/old"},
			gwroute.Request{Host: "other.example.com", Path: "/v1"})
	}
	want := make([]gwroute.Decision, len(requests))
	for i, r := range requests {
		want[i] = route(t, table, r)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				for k := range requests {
					i := (k + g*7) % len(requests)
					d, err := table.Route(&requests[i])
					if err == nil && !reflect.DeepEqual(d, want[i]) {
						err = fmt.Errorf("request %d: got %+v, want %+v", i, d, want[i])
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
