package auth

import (
	_ "embed"
	"strings"
	"sync"
)

// commonPasswords lists passwords that leak lists show people choose most often
// (those long enough to pass the length rule). A short list catches most of what
// matters; the length and similarity rules do the rest.
//
//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[line] = true
		}
	}
	return m
})

func isCommonPassword(pw string) bool {
	return commonPasswords()[strings.ToLower(strings.TrimSpace(pw))]
}
