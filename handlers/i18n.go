package handlers

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"peixun/assets"
)

// Languages the interface speaks; the first is the default.
var Languages = []string{"zh", "en"}

var langMatcher = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// Catalog holds the messages of every language, loaded from the embedded locale files.
type Catalog map[string]map[string]string

// LoadCatalog reads assets/locales/<lang>/*.json (one file per area, so that areas do not edit one
// shared file) and refuses a key defined twice in a language.
func LoadCatalog() (Catalog, error) {
	c := Catalog{}
	for _, lang := range Languages {
		files, err := fs.Glob(assets.Locales, "locales/"+lang+"/*.json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no locale files for %s", lang)
		}
		c[lang] = map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(assets.Locales, f)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", f, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("parsing %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := c[lang][k]; dup {
					return nil, fmt.Errorf("%s: key %q is defined twice", f, k)
				}
				c[lang][k] = v
			}
		}
	}
	return c, nil
}

// Missing lists keys present in one language and absent in another.
func (c Catalog) Missing() []string {
	var out []string
	for _, a := range Languages {
		for k := range c[a] {
			for _, b := range Languages {
				if _, ok := c[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// T translates key into lang, filling {name} placeholders from args. An unknown key shows itself,
// which the locale test catches.
func (c Catalog) T(lang, key string, args map[string]any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c[Languages[0]][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	for k, v := range args {
		msg = strings.ReplaceAll(msg, "{"+k+"}", fmt.Sprint(v))
	}
	return msg
}

// Has tells whether the key exists.
func (c Catalog) Has(key string) bool { _, ok := c[Languages[0]][key]; return ok }

// pickLanguage chooses the language: an explicit choice (query or cookie) first, then the browser's
// Accept-Language, then Chinese.
func pickLanguage(explicit, acceptLanguage string) string {
	for _, l := range Languages {
		if explicit == l {
			return l
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return Languages[idx]
			}
		}
	}
	return Languages[0]
}
