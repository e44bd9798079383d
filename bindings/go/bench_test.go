// SPDX-License-Identifier: Apache-2.0

package gwroute_test

import (
	"os"
	"strings"
	"testing"

	"gwroute.dev/gwroute"
)

const oneRoute = `
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
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
`

// BenchmarkRoute measures Table.Route: a one-route table, and the
// examples/manifests table cycling through examples/requests.jsonl.
func BenchmarkRoute(b *testing.B) {
	b.Run("one-route", func(b *testing.B) {
		table := compile(b, oneRoute)
		req := &gwroute.Request{Method: "GET", Host: "example.com", Path: "/index.html",
			Headers: []gwroute.Header{{"User-Agent", "bench"}, {"Accept", "*/*"}}}
		benchRoute(b, table, []*gwroute.Request{req})
	})
	text, err := readConfig("../../examples/manifests")
	if err != nil {
		b.Skip(err)
	}
	table := compile(b, string(text))
	requests := exampleRequests(b)
	b.Run("manifests", func(b *testing.B) { benchRoute(b, table, requests) })
	b.Run("manifests-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				if _, err := table.Route(requests[i%len(requests)]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func benchRoute(b *testing.B, table *gwroute.Table, requests []*gwroute.Request) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := table.Route(requests[i%len(requests)]); err != nil {
			b.Fatal(err)
		}
	}
}

func exampleRequests(b *testing.B) []*gwroute.Request {
	data, err := os.ReadFile("../../examples/requests.jsonl")
	if err != nil {
		b.Skip(err)
	}
	var requests []*gwroute.Request
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		r, _, err := parseRequestLine(line)
		if err != nil {
			b.Fatal(err)
		}
		requests = append(requests, &r)
	}
	return requests
}
