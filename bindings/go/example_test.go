// SPDX-License-Identifier: Apache-2.0

package gwroute_test

import (
	"fmt"
	"log"

	"gwroute.dev/gwroute"
)

func ExampleTable_Route() {
	table, err := gwroute.Compile([]byte(oneRoute)) // one Gateway, one HTTPRoute
	if err != nil {
		log.Fatal(err)
	}
	defer table.Close()
	d, err := table.Route(&gwroute.Request{Method: "GET", Host: "example.com", Path: "/index.html"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Action, d.Listener, d.Backend.Name, d.Backend.Port, d.Upstream.Path)
	// Output: forward infra/prod/http web 8080 /index.html
}
