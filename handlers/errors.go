package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"peixun/fault"
)

// statusOf is the one table from error kinds to HTTP status codes.
var statusOf = map[fault.Kind]int{
	fault.Invalid:      http.StatusUnprocessableEntity,
	fault.Unauthorized: http.StatusUnauthorized,
	fault.Forbidden:    http.StatusForbidden,
	fault.NotFound:     http.StatusNotFound,
	fault.Conflict:     http.StatusConflict,
	fault.TooMany:      http.StatusTooManyRequests,
	fault.Locked:       http.StatusLocked,
	fault.Unavailable:  http.StatusServiceUnavailable,
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// ErrorView is what the error page shows.
type ErrorView struct {
	Status  int
	Message string
}

// handleError maps any error to a status and renders it as JSON (API routes, or a JSON Accept header)
// or as an HTML page. Only fault messages are shown; any other error is logged and shown as a plain
// "internal error" with the request id.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, field, msg := http.StatusInternalServerError, "internal", "", ""
	var he *echo.HTTPError
	if f, ok := fault.As(err); ok {
		status, code, field = statusOf[f.Kind], f.Code, f.Field
		if status == 0 {
			status = http.StatusBadRequest
		}
		msg = s.message(lang(c), f)
	} else if errors.As(err, &he) {
		status = he.Code
		switch status {
		case http.StatusNotFound:
			code = "not_found"
		case http.StatusMethodNotAllowed:
			code = "method_not_allowed"
		case http.StatusRequestEntityTooLarge:
			code = "too_large"
		default:
			code = "bad_request"
		}
		msg = s.cat.T(lang(c), "err."+code, map[string]any{"what": s.cat.T(lang(c), "what.page", nil)})
	}
	if status >= 500 {
		s.Log.Error("request failed", "error", err.Error(), "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		code = "internal"
		msg = s.cat.T(lang(c), "err.internal", map[string]any{"id": c.Response().Header().Get(echo.HeaderXRequestID)})
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if isAPI(c) {
		_ = c.JSON(status, apiError{Error: apiErrorBody{Code: code, Message: msg, Field: field}})
		return
	}
	if status == http.StatusUnauthorized && c.Request().Method == http.MethodGet {
		_ = redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		return
	}
	p := s.page(c, "title.error", ErrorView{Status: status, Message: msg})
	if rerr := s.render(c, status, "error.html", p); rerr != nil {
		s.Log.Error("rendering error page", "error", rerr.Error())
		_ = c.String(status, msg)
	}
}

// message renders a fault in the caller's language: "err.<code>" with the field's label and args.
func (s *Server) message(lang string, f *fault.Error) string {
	args := map[string]any{}
	for k, v := range f.Args {
		args[k] = v
	}
	if f.Field != "" {
		args["field"] = s.cat.T(lang, "field."+f.Field, nil)
	}
	if w, ok := args["what"].(string); ok {
		args["what"] = s.cat.T(lang, "what."+w, nil)
	}
	return s.cat.T(lang, "err."+f.Code, args)
}

// formErrors turns a fault about a field into the map a form template shows beside its inputs. Any
// other error is returned for the error handler.
func (s *Server) formErrors(c echo.Context, p *Page, err error) error {
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Invalid {
		return err
	}
	key := f.Field
	if key == "" {
		key = "_"
	}
	p.Errors[key] = s.message(lang(c), f)
	return nil
}
