// SPDX-License-Identifier: Apache-2.0

package gwroute

/*
#include <gwroute.h>
*/
import "C"

import (
	"errors"
	"strconv"
	"unsafe"
)

// Code is a status code of the C library (enum gwr_status). The non-zero
// codes are errors, so errors.Is(err, gwroute.ErrParse) tells the kind of
// an *Error.
type Code int32

const (
	ErrInvalid  Code = C.GWR_E_INVALID  // invalid argument
	ErrNoMem    Code = C.GWR_E_NOMEM    // out of memory
	ErrParse    Code = C.GWR_E_PARSE    // syntax error
	ErrSchema   Code = C.GWR_E_SCHEMA   // invalid object
	ErrIO       Code = C.GWR_E_IO       // input/output error
	ErrLimit    Code = C.GWR_E_LIMIT    // limit exceeded
	ErrNotFound Code = C.GWR_E_NOTFOUND // not found (e.g. no such Gateway)
	ErrRange    Code = C.GWR_E_RANGE    // buffer too small
	ErrState    Code = C.GWR_E_STATE    // object in the wrong state
)

func (c Code) Error() string { return "gwroute: " + C.GoString(C.gwr_strerror(C.int(c))) }

// ErrClosed is returned by the methods of a closed Table.
var ErrClosed = errors.New("gwroute: table is closed")

// Error describes a failure or a rejected object: the Kubernetes object at
// fault, the field path inside it and the source position when known.
type Error struct {
	Code      Code
	Kind      string // e.g. "HTTPRoute"; empty when no object is at fault
	Namespace string
	Name      string
	Field     string // e.g. "spec.rules[2].matches[0].path.value"
	File      string // the source name given to CompileWithOptions
	Line      int    // 1-based; 0 when there is no position
	Column    int
	Message   string // the whole sentence
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.Error()
	}
	return e.Message
}

// Unwrap returns the Code, for errors.Is.
func (e *Error) Unwrap() error { return e.Code }

// newCError is a gwr_error in Go memory: it holds no pointers, so it may be
// passed to C for the duration of a call.
func newCError() *C.gwr_error {
	e := new(C.gwr_error)
	e.struct_size = C.sizeof_gwr_error
	return e
}

func goError(rc C.int, e *C.gwr_error) *Error {
	return &Error{
		Code:      Code(rc),
		Kind:      cText(e.kind[:]),
		Namespace: cText(e.ns[:]),
		Name:      cText(e.name[:]),
		Field:     cText(e.field[:]),
		File:      cText(e.file[:]),
		Line:      int(e.line),
		Column:    int(e.column),
		Message:   cText(e.message[:]),
	}
}

// cText reads a NUL-terminated char array, stopping at its end if the
// library did not terminate it.
func cText(a []C.char) string {
	b := unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a))
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
