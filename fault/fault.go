// Package fault is the one error vocabulary of Peixun. Domain packages return a *fault.Error with a
// kind and a safe, translatable message; the HTTP layer maps the kind to a status in one place. Any
// other error is internal: logged, never shown.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller.
type Kind string

// The kinds of error.
const (
	Invalid      Kind = "invalid"      // bad input: 400/422
	Unauthorized Kind = "unauthorized" // not signed in: 401
	Forbidden    Kind = "forbidden"    // signed in but not allowed: 403
	NotFound     Kind = "not_found"    // 404
	Conflict     Kind = "conflict"     // state forbids it, or a duplicate: 409
	TooMany      Kind = "too_many"     // rate limited: 429
	Locked       Kind = "locked"       // account locked: 423
	Unavailable  Kind = "unavailable"  // a dependency is missing or down: 503
)

// Error is a domain error with a safe message. Code is a message key from the locale files (e.g.
// "person.username_taken"); Field names the input at fault; Args fill the message's placeholders.
type Error struct {
	Kind  Kind
	Code  string
	Field string
	Args  map[string]any
	Err   error // the cause, for logs only
}

func (e *Error) Error() string {
	msg := string(e.Kind) + ": " + e.Code
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if len(e.Args) > 0 {
		msg += fmt.Sprint(" ", e.Args)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New makes an error of a kind with a message key.
func New(kind Kind, code string) *Error { return &Error{Kind: kind, Code: code} }

// Field makes an invalid-input error about one field.
func Field(field, code string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: code, Field: field, Args: pairs(args)}
}

// With adds placeholder values: With("max", 10, "got", 12).
func (e *Error) With(args ...any) *Error {
	if e.Args == nil {
		e.Args = map[string]any{}
	}
	for k, v := range pairs(args) {
		e.Args[k] = v
	}
	return e
}

// Because records the cause.
func (e *Error) Because(err error) *Error { e.Err = err; return e }

// NotFoundf is the common "no such record" error.
func NotFoundf(what string) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Args: map[string]any{"what": what}}
}

// ForbiddenErr is the common "not allowed" error.
func ForbiddenErr() *Error { return &Error{Kind: Forbidden, Code: "forbidden"} }

// As finds a *Error in err's chain.
func As(err error) (*Error, bool) {
	var f *Error
	ok := errors.As(err, &f)
	return f, ok
}

// Is tells whether err is a fault of the kind.
func Is(err error, kind Kind) bool {
	f, ok := As(err)
	return ok && f.Kind == kind
}

func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}
