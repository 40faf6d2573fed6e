package handlers

import (
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// writeAttempt answers with an attempt and its paper. It writes the same bytes as c.JSON would
// (TestAttemptJSONMatchesEncodingJSON holds the two together) without reflection: a whole bureau
// starts an exam in the same second, and encoding/json took as much CPU per start as the start.
// The buffer is reused: a paper of twenty questions is about 6 KB, and in a burst of starts fresh
// buffers were a large share of what the garbage collector had to reclaim.
func writeAttempt(c echo.Context, status int, j *AttemptJSON) error {
	bp := attemptBuffers.Get().(*[]byte)
	b := j.appendJSON((*bp)[:0])
	b = append(b, '\n')
	err := c.Blob(status, echo.MIMEApplicationJSON, b) // a Write does not keep its bytes (io.Writer)
	if cap(b) <= maxPooledAttemptBuffer {
		*bp = b
		attemptBuffers.Put(bp)
	}
	return err
}

// maxPooledAttemptBuffer keeps an exceptional paper (hundreds of long questions) from holding its
// large buffer in the pool after it is written.
const maxPooledAttemptBuffer = 64 << 10

var attemptBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// appendJSON appends the attempt as encoding/json would marshal it.
func (j *AttemptJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(j.ID), 10)
	b = append(b, `,"quiz_id":`...)
	b = strconv.AppendInt(b, int64(j.QuizID), 10)
	b = append(b, `,"number":`...)
	b = strconv.AppendInt(b, int64(j.Number), 10)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, j.Status)
	b = append(b, `,"started_at":`...)
	b = appendJSONTime(b, j.StartedAt)
	if j.Deadline != nil {
		b = append(b, `,"deadline":`...)
		b = appendJSONTime(b, *j.Deadline)
	}
	if j.SubmittedAt != nil {
		b = append(b, `,"submitted_at":`...)
		b = appendJSONTime(b, *j.SubmittedAt)
	}
	if j.SecondsLeft != nil {
		b = append(b, `,"seconds_left":`...)
		b = strconv.AppendInt(b, int64(*j.SecondsLeft), 10)
	}
	if j.Score != nil {
		b = append(b, `,"score":`...)
		b = appendJSONFloat(b, *j.Score)
	}
	b = append(b, `,"max_score":`...)
	b = appendJSONFloat(b, j.MaxScore)
	if j.Passed != nil {
		b = append(b, `,"passed":`...)
		b = strconv.AppendBool(b, *j.Passed)
	}
	if len(j.Questions) > 0 {
		b = append(b, `,"questions":[`...)
		for i := range j.Questions {
			if i > 0 {
				b = append(b, ',')
			}
			b = j.Questions[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (q *QuestionOnPaper) appendJSON(b []byte) []byte {
	b = append(b, `{"question_id":`...)
	b = strconv.AppendInt(b, int64(q.QuestionID), 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, q.Kind)
	b = append(b, `,"stem":`...)
	b = appendJSONString(b, q.Stem)
	b = append(b, `,"points":`...)
	b = appendJSONFloat(b, q.Points)
	if len(q.Options) > 0 {
		b = append(b, `,"options":[`...)
		for i, o := range q.Options {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"Key":`...)
			b = appendJSONString(b, o.Key)
			b = append(b, `,"Text":`...)
			b = appendJSONString(b, o.Text)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"response":`...)
	b = appendJSONStrings(b, q.Response)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, int64(q.Seq), 10)
	if len(q.Answer) > 0 {
		b = append(b, `,"answer":`...)
		b = appendJSONStrings(b, q.Answer)
	}
	if q.Explanation != "" {
		b = append(b, `,"explanation":`...)
		b = appendJSONString(b, q.Explanation)
	}
	if q.Earned != nil {
		b = append(b, `,"earned":`...)
		b = appendJSONFloat(b, *q.Earned)
	}
	return append(b, '}')
}

// appendJSONStrings writes a list of strings; nil is null, as encoding/json writes it.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendJSONFloat formats as encoding/json does: the shortest exact decimal, in exponent form only for
// very small or very large numbers, with the exponent's leading zero dropped (1e-07 becomes 1e-7).
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...) // never stored; encoding/json would refuse the whole answer
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b) - start
		if n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping on (echo's default): <, > and &
// as \u003c, \u003e and \u0026, control characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029 escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	// In valid UTF-8 (nearly every string) only U+2028 and U+2029 among the multibyte characters need
	// a look, and they are known by their bytes: decoding every Chinese character was a third of the
	// time spent writing a paper.
	valid := utf8.ValidString(s)
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		if valid {
			// U+2028 and U+2029 are E2 80 A8 and E2 80 A9; E2 is never a continuation byte.
			if c == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
				i += 3
				start = i
				continue
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
