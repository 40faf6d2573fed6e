package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"peixun/fault"
)

// argon2id parameters (RFC 9106's second recommended option, lighter on memory for small servers).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)

// argonSlots bounds the argon2id computations running at once to the CPUs Go uses. Each takes
// argonMemory (19 MiB) of fresh memory and one CPU: with no bound, 2,000 officers signing in at the
// start of an exam window held about 15 at once and the server's resident memory rose to 590 MB,
// while a two-core machine still finished only two hashes at a time. Waiting here keeps the same
// throughput with two hashes' memory.
var argonSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// argonKey is argon2.IDKey within argonSlots.
func argonKey(password, salt []byte, t, m uint32, p uint8, keyLen uint32) []byte {
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	return argon2.IDKey(password, salt, t, m, p, keyLen)
}

// HashPassword returns an argon2id PHC string for the password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading salt: %w", err)
	}
	key := argonKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword tells whether password matches the PHC string. A malformed or empty hash never matches.
func CheckPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argonKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CheckPolicy refuses weak passwords: too short, or without both letters and digits, or the username.
func (s *Service) CheckPolicy(username, password string) error {
	if len([]rune(password)) < s.Policy.MinPassword {
		return fault.Field("password", "password.too_short", "min", s.Policy.MinPassword)
	}
	var letter, digit bool
	for _, r := range password {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return fault.Field("password", "password.needs_letters_digits")
	}
	if strings.EqualFold(password, username) {
		return fault.Field("password", "password.is_username")
	}
	return nil
}
