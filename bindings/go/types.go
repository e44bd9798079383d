// SPDX-License-Identifier: Apache-2.0

package gwroute

// Protocol is how a request arrived.
type Protocol int32

const (
	HTTP Protocol = iota // an HTTP request (the zero value)
	GRPC                 // a gRPC call: Path is "/<service>/<method>"
	TLS                  // a TLS connection: only Port and SNI matter
	TCP                  // a TCP connection: only Port matters
	UDP                  // a UDP flow: only Port matters
)

var protocolNames = [...]string{"http", "grpc", "tls", "tcp", "udp"}

func (p Protocol) String() string {
	if p >= 0 && int(p) < len(protocolNames) {
		return protocolNames[p]
	}
	return "Protocol(" + itoa(int64(p)) + ")"
}

// stream reports whether the protocol is a connection, not a request.
func (p Protocol) stream() bool { return p == TLS || p == TCP || p == UDP }

// Header is one HTTP header. Names compare case-insensitively.
type Header struct {
	Name, Value string
}

// Request is what Route looks at. The zero value of every field is
// allowed: an empty Gateway means the table's only Gateway, Port 0 means
// 80 for http and 443 for https, an empty Scheme means http.
type Request struct {
	Gateway  string // "namespace/name"
	Port     int    // the listener port the request arrived on
	Protocol Protocol
	SNI      string // the TLS server name, when there was TLS
	Method   string
	Scheme   string // "http" or "https"
	Host     string // Host or :authority, port allowed
	Path     string // the request target, query included
	Headers  []Header
	// Key, when set, is hashed for the weighted backend choice, so equal
	// keys choose equal backends. Otherwise Choice is used: any uniformly
	// random 64-bit value (e.g. from math/rand).
	Key    string
	Choice uint64
}

// Action is what the host does with a request.
type Action int32

const (
	None     Action = 0 // no match has run
	Forward  Action = 1 // send to Backend (and copies to Mirrors)
	Redirect Action = 2 // answer Status with Location
	Respond  Action = 3 // answer Status itself (404, 500, a CORS preflight 204, ...)
	Reject   Action = 4 // refuse a TLS, TCP or UDP connection
)

var actionNames = [...]string{"none", "forward", "redirect", "respond", "reject"}

func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(" + itoa(int64(a)) + ")"
}

// Decision is where a request goes and what to do on the way. Every string
// is a Go copy: a Decision outlives the Table.
type Decision struct {
	Action Action
	// Status is the HTTP status of a Respond or Redirect, else 0.
	Status int
	// GRPCStatus is the gRPC status of an answer to a gRPC call, else -1.
	GRPCStatus int
	Reason     string   // why a Respond or Reject happened
	Location   string   // the target of a Redirect
	Headers    []Header // headers of the engine's own answer (Location, CORS)

	Listener string      // "namespace/gateway/listener"; empty when none
	Route    *RouteRef   // the matched route; nil when none matched
	Backend  *BackendRef // the chosen backend of a Forward; nil otherwise
	// Upstream is the request as the backend receives it, after every
	// request filter: set for a forwarded HTTP or gRPC request only.
	Upstream *Upstream

	RequestHeaderOps  []HeaderOp // already applied in Upstream.Headers
	ResponseHeaderOps []HeaderOp // for the host to apply to the response
	Mirrors           []BackendRef
	ExtensionRefs     []ExtensionRef
	Timeouts          Timeouts
	Retry             *Retry              // nil when the rule has no retry
	Session           *SessionPersistence // nil when the rule has none
}

// RouteRef names the matched route, rule and match.
type RouteRef struct {
	Kind, Namespace, Name string
	Rule                  int // index in spec.rules
	Match                 int // index in the rule's matches; -1 when none
}

// BackendRef names a backend. Port is 0 when unset.
type BackendRef struct {
	Group, Kind, Namespace, Name string
	Port                         int
}

// Upstream is the request as the backend receives it.
type Upstream struct {
	Method, Scheme, Host, Path string
	Headers                    []Header
}

// HeaderOpKind is a header operation (GWR_HEADER_OP_*).
type HeaderOpKind int32

const (
	SetHeader    HeaderOpKind = 1 // replace every value of the header (any case)
	AddHeader    HeaderOpKind = 2 // append one more value
	RemoveHeader HeaderOpKind = 3 // delete every occurrence (any case)
)

// HeaderOp is one header operation; operations apply in order.
type HeaderOp struct {
	Op          HeaderOpKind
	Name, Value string // Value is empty for RemoveHeader
}

// ExtensionRef is an ExtensionRef filter, for the host to carry out.
type ExtensionRef struct {
	Group, Kind, Name string
}

// Timeouts of the matched rule, as written ("10s", which time.ParseDuration
// reads); empty when unset.
type Timeouts struct {
	Request, BackendRequest string
}

// Retry is the matched rule's retry policy.
type Retry struct {
	Codes    []int
	Attempts int    // retries after the first try; -1 when unset
	Backoff  string // e.g. "100ms"; empty when unset
}

// SessionPersistence is the matched rule's session persistence policy.
// Empty strings are unset fields.
type SessionPersistence struct {
	Type            string // "Cookie" or "Header"
	Name            string
	CookiePath      string
	LifetimeType    string // "Session" or "Permanent"
	AbsoluteTimeout string
	IdleTimeout     string
}
