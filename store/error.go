package store

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. Handlers map them to a friendly Chinese
// sentence; logs keep the wrapped error.
const (
	EINVALID     = "invalid"
	ENOTFOUND    = "not_found"
	ECONFLICT    = "conflict"
	EFORBIDDEN   = "forbidden"
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
	// EPROCESSED: a write for a chat message that another attempt at the
	// same message already processed (MessageUnit); nothing was written.
	EPROCESSED = "processed"
)

// Error is a domain error: a machine-readable code and a message that is safe
// to show to a user or an operator.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("envoybot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain,
// EINTERNAL for any other non-nil error and "" for nil.
func ErrorCode(err error) string { return domainError(err).Code }

// ErrorMessage returns the message of the first domain error in err's chain,
// or a generic text for any other error.
func ErrorMessage(err error) string { return domainError(err).Message }

// domainError is the first domain error in err's chain, an internal one
// for any other error, and an empty one for nil.
func domainError(err error) *Error {
	var e *Error
	switch {
	case err == nil:
		return &Error{}
	case errors.As(err, &e):
		return e
	}
	return &Error{Code: EINTERNAL, Message: "internal error"}
}
