// Package assets embeds the templates, static files (our own CSS and JS) and locale files, so that
// the binary carries everything it serves.
package assets

import "embed"

// Templates holds the html/template pages, one file per page plus layout.html.
//
//go:embed templates
var Templates embed.FS

// Static holds CSS, JS and images served under /static/.
//
//go:embed static
var Static embed.FS

// Locales holds the messages: locales/<lang>/<area>.json.
//
//go:embed locales
var Locales embed.FS
