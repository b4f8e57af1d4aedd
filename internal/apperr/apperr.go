// Package apperr is the error every capability returns to the web, the API and
// the command line: a code that maps to an HTTP status and exit status, and a
// message safe to show the person who caused it.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code says what kind of failure an Error is.
type Code string

const (
	Invalid   Code = "invalid"   // the input is wrong; Fields say where
	NotFound  Code = "not_found" // missing, or hidden from this actor: the two look the same
	Forbidden Code = "forbidden" // the actor may see the thing but not do this to it
	Conflict  Code = "conflict"  // the thing exists already, or changed underneath
	Internal  Code = "internal"  // our fault; the message says nothing more
)

// Field names one input that is wrong and why.
type Field struct {
	Name    string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure a person can be told about.
type Error struct {
	Code    Code    `json:"code"`
	Message string  `json:"message"`
	Fields  []Field `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Name + ": " + f.Message
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf makes an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fields collects field errors; Err returns nil when there were none.
type Fields []Field

func (fs *Fields) Add(name, message string) { *fs = append(*fs, Field{name, message}) }

// Err returns an Invalid error naming every field, or nil.
func (fs Fields) Err(what string) error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: what + " has problems", Fields: fs}
}

// CodeOf returns err's code, Internal for anything that is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// HTTPStatus maps an error to the status an HTTP response carries.
func HTTPStatus(err error) int {
	switch CodeOf(err) {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Forbidden:
		return http.StatusForbidden
	case Conflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
