package notify_test

import (
	"testing"

	"eplatform/app/notify"
	"eplatform/app/store"
)

// TestDisplayText: the sender's username at the start of a notification's text becomes
// their display name; other texts, and texts without a sender, stay as written.
func TestDisplayText(t *testing.T) {
	ada := &store.UserMini{Username: "ada", FirstName: "Ada", LastName: "Lovelace"}
	plain := &store.UserMini{Username: "bob"}
	for _, c := range []struct {
		sender *store.UserMini
		text   string
		want   string
	}{
		{ada, "ada liked your post", "Ada Lovelace liked your post"},
		{ada, "adam liked your post", "adam liked your post"},                         // another username that begins alike
		{ada, "The appointment is now approved.", "The appointment is now approved."}, // no name in it
		{ada, "Ada requested an appointment", "Ada requested an appointment"},         // the name the requester typed
		{plain, "bob commented on your post", "bob commented on your post"},           // no name: the username
		{nil, "ada liked your post", "ada liked your post"},                           // an anonymous request
	} {
		if got := notify.DisplayText(store.Notification{Sender: c.sender, Text: c.text}); got != c.want {
			t.Errorf("DisplayText(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
