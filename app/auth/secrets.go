package auth

// NewSecret returns a new random URL-safe secret (256 bits) and its hash, the only
// form in which secrets are stored: API tokens, sessions, links such as a calendar
// feed's.
func NewSecret() (string, []byte) { return newToken() }

// HashSecret is the stored form of a secret someone presents.
func HashSecret(secret string) []byte { return hashToken(secret) }
