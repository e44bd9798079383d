// SPDX-License-Identifier: Apache-2.0

// Package gwroute routes requests the way a Kubernetes Gateway API
// implementation would, using the gwroute C library.
//
// Compile Gateway API objects (YAML or JSON) into a Table, then ask it
// where requests go:
//
//	table, err := gwroute.Compile(manifests)
//	...
//	d, err := table.Route(&gwroute.Request{Host: "api.example.com", Path: "/v1/users"})
//	if d.Action == gwroute.Forward { proxyTo(d.Backend, d.Upstream) }
//
// A Table is immutable and safe for concurrent use by any number of
// goroutines.
package gwroute

/*
#cgo pkg-config: gwroute
#include <stdlib.h>
#include "route.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Version is the version of the loaded C library, e.g. "1.0.0".
func Version() string { return C.GoString(C.gwr_version_string()) }

// Setting is a compile option of the C library (enum gwr_option); see
// gwroute.h for the meaning, default and range of each.
type Setting int32

const (
	RegexOrder            Setting = C.GWR_OPT_REGEX_ORDER // 0: Envoy (default), 1: Istio
	RegexMatchLimit       Setting = C.GWR_OPT_REGEX_MATCH_LIMIT
	RegexMaxLength        Setting = C.GWR_OPT_REGEX_MAX_LENGTH
	AllZeroWeightStatus   Setting = C.GWR_OPT_ALL_ZERO_WEIGHT_STATUS
	MaxObjects            Setting = C.GWR_OPT_MAX_OBJECTS
	MaxHeaderBytes        Setting = C.GWR_OPT_MAX_HEADER_BYTES
	PathNormalize         Setting = C.GWR_OPT_PATH_NORMALIZE // 0: none, 1: dot segments (default)
	MaxYAMLAliases        Setting = C.GWR_OPT_MAX_YAML_ALIASES
	GRPCHostnameConflicts Setting = C.GWR_OPT_GRPC_HOSTNAME_CONFLICTS
	MaxDocumentBytes      Setting = C.GWR_OPT_MAX_DOCUMENT_BYTES
	MaxDepth              Setting = C.GWR_OPT_MAX_DEPTH
	MaxStringBytes        Setting = C.GWR_OPT_MAX_STRING_BYTES
	RegexHeapLimit        Setting = C.GWR_OPT_REGEX_HEAP_LIMIT
)

// Options adjust CompileWithOptions. The zero value is what Compile uses.
type Options struct {
	// Source names the text in messages and in Error.File (e.g. a file name).
	Source string
	// Controller, when set, makes only GatewayClasses with this
	// spec.controllerName ours. Empty: every GatewayClass is ours.
	Controller string
	// Settings are passed to gwr_config_set_option before compiling.
	Settings map[Setting]int64
	// Strict makes an object that breaks the schema an error (the first
	// one, as *Error). Otherwise such objects are left out of the table,
	// as a controller would, and listed by Table.Problems.
	Strict bool
}

// Table is a compiled routing table. Its methods are safe for concurrent
// use; Close it when done (a finalizer frees it otherwise).
type Table struct {
	mu       sync.RWMutex // Route holds it shared, Close exclusively
	ptr      *C.gwr_table
	problems []*Error
	pool     sync.Pool // of *slot, made for this table
}

// Compile loads Kubernetes objects (multi-document YAML, a JSON object, a
// JSON List or a JSON array) and compiles them into a Table. A syntax error
// fails the call with an *Error giving the file position; an object that
// breaks the schema is left out and listed by Table.Problems.
func Compile(objects []byte) (*Table, error) {
	return CompileWithOptions(objects, Options{})
}

// CompileWithOptions is Compile with Options.
func CompileWithOptions(objects []byte, opts Options) (*Table, error) {
	var cfg *C.gwr_config
	if rc := C.gwr_config_new(&cfg, nil); rc != C.GWR_OK {
		return nil, Code(rc)
	}
	defer C.gwr_config_free(cfg)
	for setting, value := range opts.Settings {
		if rc := C.gwr_config_set_option(cfg, C.int32_t(setting), C.int64_t(value)); rc != C.GWR_OK {
			return nil, &Error{Code: Code(rc), Message: "gwroute: setting " + itoa(int64(setting)) +
				" cannot be " + itoa(value)}
		}
	}
	if opts.Controller != "" {
		name := C.CString(opts.Controller)
		defer C.free(unsafe.Pointer(name))
		if rc := C.gwr_config_set_controller(cfg, name, C.size_t(len(opts.Controller))); rc != C.GWR_OK {
			return nil, Code(rc)
		}
	}
	if err := load(cfg, objects, opts.Source); err != nil {
		return nil, err
	}
	problems := configProblems(cfg)
	if opts.Strict && len(problems) > 0 {
		return nil, problems[0]
	}
	var table *C.gwr_table
	cerr := newCError()
	if rc := C.gwr_table_compile(&table, cfg, cerr); rc != C.GWR_OK {
		return nil, goError(rc, cerr)
	}
	t := &Table{ptr: table, problems: problems}
	runtime.SetFinalizer(t, (*Table).Close)
	return t, nil
}

// load hands objects to gwr_config_load. The bytes are Go memory holding no
// Go pointers, and the library copies them before returning, so passing
// them directly follows the cgo pointer rules.
func load(cfg *C.gwr_config, objects []byte, source string) error {
	var text *C.char
	if len(objects) > 0 {
		text = (*C.char)(unsafe.Pointer(&objects[0]))
	}
	src := C.CString(source)
	defer C.free(unsafe.Pointer(src))
	cerr := newCError()
	rc := C.gwr_config_load(cfg, text, C.size_t(len(objects)), src, C.size_t(len(source)), cerr)
	if rc != C.GWR_OK {
		return goError(rc, cerr)
	}
	return nil
}

func configProblems(cfg *C.gwr_config) []*Error {
	n := int(C.gwr_config_count(cfg, C.GWR_COUNT_PROBLEMS))
	if n == 0 {
		return nil
	}
	cerr := newCError()
	problems := make([]*Error, 0, n)
	for i := 0; i < n; i++ {
		if rc := C.gwr_config_problem(cfg, C.size_t(i), cerr); rc == C.GWR_OK {
			problems = append(problems, goError(C.int(cerr.code), cerr))
		}
	}
	return problems
}

// Problems lists the objects that were left out because they break the
// schema, in load order. The status report (Status) lists them too.
func (t *Table) Problems() []*Error { return t.problems }

// Status renders the status report as JSON: per route and parent the
// conditions a controller would write back, per Gateway and ListenerSet
// the listeners and their attached routes, and the rejected objects.
func (t *Table) Status() ([]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ptr == nil {
		return nil, ErrClosed
	}
	var n C.size_t
	if rc := C.gwr_table_status_json(t.ptr, nil, 0, &n); rc != C.GWR_OK && rc != C.GWR_E_RANGE {
		return nil, Code(rc)
	}
	buf := C.malloc(n + 1)
	if buf == nil {
		return nil, ErrNoMem
	}
	defer C.free(buf)
	if rc := C.gwr_table_status_json(t.ptr, (*C.char)(buf), n+1, &n); rc != C.GWR_OK {
		return nil, Code(rc)
	}
	return C.GoBytes(buf, C.int(n)), nil
}

// Close frees the table. Route and Status then return ErrClosed. Close
// waits for Route calls in flight; calling it again does nothing.
func (t *Table) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ptr != nil {
		C.gwr_table_unref(t.ptr)
		t.ptr = nil
		runtime.SetFinalizer(t, nil)
	}
	return nil
}
