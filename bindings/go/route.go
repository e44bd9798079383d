// SPDX-License-Identifier: Apache-2.0

package gwroute

/*
#include "route.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// slot is one gwr_decision with its C buffers (route.h), reused through
// the table's pool. A slot the pool drops is freed by its finalizer.
type slot struct{ c *C.gwrgo_slot }

func (t *Table) getSlot() (*slot, error) {
	if s, ok := t.pool.Get().(*slot); ok {
		return s, nil
	}
	s := new(slot)
	if rc := C.gwrgo_slot_new(&s.c, t.ptr); rc != C.GWR_OK {
		return nil, Code(rc)
	}
	runtime.SetFinalizer(s, func(s *slot) { C.gwrgo_slot_free(s.c) })
	return s, nil
}

// Route decides where a request goes. It is safe for concurrent use. The
// error is ErrNotFound (as an *Error) when the request names no Gateway of
// the table, or the table has several and the request names none.
func (t *Table) Route(r *Request) (Decision, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ptr == nil {
		return Decision{}, ErrClosed
	}
	if r.Port < 0 || r.Port > 65535 {
		return Decision{}, &Error{Code: ErrInvalid, Message: "gwroute: port out of range: " + itoa(int64(r.Port))}
	}
	s, err := t.getSlot()
	if err != nil {
		return Decision{}, err
	}
	defer t.pool.Put(s)
	if err := s.setRequest(r); err != nil {
		return Decision{}, err
	}
	if rc := C.gwrgo_route(s.c, t.ptr); rc != C.GWR_OK {
		return Decision{}, matchError(rc, r)
	}
	return s.decision(r.Protocol.stream()), nil
}

func matchError(rc C.int, r *Request) error {
	e := &Error{Code: Code(rc), Message: Code(rc).Error()}
	if e.Code == ErrNotFound {
		if r.Gateway != "" {
			e.Message = "gwroute: gateway " + r.Gateway + " not found"
		} else {
			e.Message = "gwroute: no gateway given, and the table does not have exactly one Gateway"
		}
	}
	return e
}

// setRequest copies the request into the slot's C memory.
//
// Why a copy: gwr_request is a struct of pointers. The cgo rules forbid
// storing Go pointers in C memory, and passing a Go struct that holds Go
// pointers (the string data) to C; and the decision keeps pointing into
// the request after gwr_match returns. So the strings are copied into a
// C buffer owned by the slot (one memmove each, no allocation once the
// buffer has grown) and the gwr_request and gwr_header array, also in the
// slot, point there. The request bytes never need a Go pointer in C.
func (s *slot) setRequest(r *Request) error {
	size := len(r.Gateway) + len(r.SNI) + len(r.Method) + len(r.Scheme) +
		len(r.Host) + len(r.Path) + len(r.Key)
	for _, h := range r.Headers {
		size += len(h.Name) + len(h.Value)
	}
	c := s.c
	if uintptr(size) > uintptr(c.in_cap) || uintptr(len(r.Headers)) > uintptr(c.headers_cap) {
		if rc := C.gwrgo_reserve(c, C.size_t(size), C.size_t(len(r.Headers))); rc != C.GWR_OK {
			return Code(rc)
		}
	}
	w := writer{buf: unsafe.Slice((*byte)(unsafe.Pointer(c.in)), int(c.in_cap))}
	req := &c.request
	req.gateway = w.put(r.Gateway)
	req.port = C.uint32_t(r.Port)
	req.protocol = C.int32_t(r.Protocol)
	req.sni = w.put(r.SNI)
	req.method = w.put(r.Method)
	req.scheme = w.put(r.Scheme)
	req.host = w.put(r.Host)
	req.path = w.put(r.Path)
	req.key = w.put(r.Key)
	req.choice = C.uint64_t(r.Choice)
	req.header_count = C.size_t(len(r.Headers))
	req.headers = nil
	if len(r.Headers) > 0 {
		req.headers = c.headers
		hs := unsafe.Slice(c.headers, len(r.Headers))
		for i, h := range r.Headers {
			hs[i].name = w.put(h.Name)
			hs[i].value = w.put(h.Value)
		}
	}
	return nil
}

// writer appends strings to a C buffer known to be large enough.
type writer struct {
	buf []byte
	off int
}

func (w *writer) put(s string) C.gwr_str {
	if len(s) == 0 {
		return C.gwr_str{}
	}
	v := C.gwr_str{ptr: (*C.char)(unsafe.Pointer(&w.buf[w.off])), len: C.size_t(len(s))}
	w.off += copy(w.buf[w.off:], s)
	return v
}

// decision copies the flattened result (route.c) into Go values. All its
// strings are substrings of one Go copy of the slot's text, and the route,
// backend and upstream share one allocation.
func (s *slot) decision(stream bool) Decision {
	c := s.c
	r := reader{text: C.GoStringN(c.text, C.int(c.text_len)), c: c}
	d := Decision{
		Action:     Action(c.action),
		Status:     r.int(C.GWR_DI_STATUS),
		GRPCStatus: r.int(C.GWR_DI_GRPC_STATUS),
		Reason:     r.str(C.GWR_DS_REASON),
		Location:   r.str(C.GWR_DS_LOCATION),
		Headers:    r.headers(C.GWR_DL_RESPONSE_HEADERS),
		Listener:   r.str(C.GWR_DS_LISTENER),
		Timeouts: Timeouts{
			Request:        r.str(C.GWR_DS_TIMEOUT_REQUEST),
			BackendRequest: r.str(C.GWR_DS_TIMEOUT_BACKEND),
		},
		RequestHeaderOps:  r.ops(C.GWR_DL_REQUEST_HEADER_OPS),
		ResponseHeaderOps: r.ops(C.GWR_DL_RESPONSE_HEADER_OPS),
	}
	parts := new(struct {
		route    RouteRef
		backend  BackendRef
		upstream Upstream
	})
	if r.int(C.GWR_DI_HAS_ROUTE) != 0 {
		d.Route = &parts.route
		*d.Route = RouteRef{
			Kind:      r.str(C.GWR_DS_ROUTE_KIND),
			Namespace: r.str(C.GWR_DS_ROUTE_NAMESPACE),
			Name:      r.str(C.GWR_DS_ROUTE_NAME),
			Rule:      r.int(C.GWR_DI_ROUTE_RULE),
			Match:     r.int(C.GWR_DI_ROUTE_MATCH),
		}
	}
	if r.int(C.GWR_DI_HAS_BACKEND) != 0 {
		d.Backend = &parts.backend
		*d.Backend = BackendRef{
			Group:     r.str(C.GWR_DS_BACKEND_GROUP),
			Kind:      r.str(C.GWR_DS_BACKEND_KIND),
			Namespace: r.str(C.GWR_DS_BACKEND_NAMESPACE),
			Name:      r.str(C.GWR_DS_BACKEND_NAME),
			Port:      r.int(C.GWR_DI_BACKEND_PORT),
		}
	}
	if d.Action == Forward && !stream {
		d.Upstream = &parts.upstream
		*d.Upstream = Upstream{
			Method:  r.str(C.GWR_DS_UPSTREAM_METHOD),
			Scheme:  r.str(C.GWR_DS_UPSTREAM_SCHEME),
			Host:    r.str(C.GWR_DS_UPSTREAM_HOST),
			Path:    r.str(C.GWR_DS_UPSTREAM_PATH),
			Headers: r.headers(C.GWR_DL_UPSTREAM_HEADERS),
		}
	}
	for _, it := range r.items(C.GWR_DL_MIRRORS) {
		d.Mirrors = append(d.Mirrors, BackendRef{
			Group: r.span(it.group), Kind: r.span(it.kind), Namespace: r.span(it.ns),
			Name: r.span(it.name), Port: int(it.num),
		})
	}
	for _, it := range r.items(C.GWR_DL_EXTENSION_REFS) {
		d.ExtensionRefs = append(d.ExtensionRefs, ExtensionRef{
			Group: r.span(it.group), Kind: r.span(it.kind), Name: r.span(it.name),
		})
	}
	if r.int(C.GWR_DI_HAS_RETRY) != 0 {
		d.Retry = &Retry{Attempts: r.int(C.GWR_DI_RETRY_ATTEMPTS), Backoff: r.str(C.GWR_DS_RETRY_BACKOFF)}
		for _, it := range r.items(C.GWR_DL_RETRY_CODES) {
			d.Retry.Codes = append(d.Retry.Codes, int(it.num))
		}
	}
	if r.int(C.GWR_DI_HAS_SESSION) != 0 {
		d.Session = &SessionPersistence{
			Type:            r.str(C.GWR_DS_SESSION_TYPE),
			Name:            r.str(C.GWR_DS_SESSION_NAME),
			CookiePath:      r.str(C.GWR_DS_SESSION_COOKIE_PATH),
			LifetimeType:    r.str(C.GWR_DS_SESSION_LIFETIME),
			AbsoluteTimeout: r.str(C.GWR_DS_SESSION_ABSOLUTE_TIMEOUT),
			IdleTimeout:     r.str(C.GWR_DS_SESSION_IDLE_TIMEOUT),
		}
	}
	return d
}

// reader reads a slot's flattened result; text is the Go copy of c.text.
type reader struct {
	text string
	c    *C.gwrgo_slot
}

func (r *reader) span(s C.gwrgo_span) string { return r.text[s.off : s.off+s.len] }
func (r *reader) str(field int) string       { return r.span(r.c.strs[field]) }
func (r *reader) int(field int) int          { return int(r.c.ints[field]) }

func (r *reader) items(list int) []C.gwrgo_item {
	first, n := int(r.c.first[list]), int(r.c.count[list])
	if n == 0 {
		return nil
	}
	return unsafe.Slice(r.c.items, int(r.c.items_len))[first : first+n]
}

func (r *reader) headers(list int) []Header {
	items := r.items(list)
	if items == nil {
		return nil
	}
	hs := make([]Header, len(items))
	for i, it := range items {
		hs[i] = Header{Name: r.span(it.name), Value: r.span(it.value)}
	}
	return hs
}

func (r *reader) ops(list int) []HeaderOp {
	items := r.items(list)
	if items == nil {
		return nil
	}
	ops := make([]HeaderOp, len(items))
	for i, it := range items {
		ops[i] = HeaderOp{Op: HeaderOpKind(it.num), Name: r.span(it.name), Value: r.span(it.value)}
	}
	return ops
}
