package handlers

import (
	"encoding/base64"
	"fmt"
	"io"

	"github.com/labstack/echo/v4"

	"peixun/fault"
)

// carriedFile reads the file of a two-step import: the upload of the preview step, or the copy the
// preview page carries (base64, in a hidden field) to the confirm step, so that no server keeps
// state between the two. tooLarge is the message key for a file over maxBytes.
func carriedFile(c echo.Context, maxBytes int64, tooLarge string) (string, []byte, error) {
	if data := c.FormValue("file_data"); data != "" {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return "", nil, fault.Field("file", "roster.file_corrupt")
		}
		return c.FormValue("file_name"), b, nil
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, fault.Field("file", "field.required")
	}
	if fh.Size > maxBytes {
		return "", nil, fault.Field("file", tooLarge, "max_mb", maxBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, fmt.Errorf("opening upload: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return "", nil, fmt.Errorf("reading upload: %w", err)
	}
	return fh.Filename, b, nil
}
