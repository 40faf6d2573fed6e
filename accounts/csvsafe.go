package accounts

import "strings"

// CSVSafe keeps a spreadsheet from running a cell as a formula: a value a person typed (a name, a
// phone number, a reason) that begins with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe, which Excel and WPS show as text. The roster import takes the apostrophe off again,
// so an export re-imports unchanged.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvUnsafe undoes CSVSafe on a cell read from a CSV file.
func csvUnsafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
