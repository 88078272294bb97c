package notify

import (
	"context"
	"slices"
	"sort"
	"strings"

	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The choices a person has for each kind of notification.
const (
	// Live: the notification is created, counted in the bell and pushed to open tabs.
	Live = "live"
	// Digest: as Live, and also mailed in the digest when they were not on the site
	// after it came.
	Digest = "digest"
	// Off: the notification is not created at all, so nothing is stored, counted,
	// pushed or mailed (store.InsertNotification checks it in the insert).
	Off = "off"
)

// Digest frequencies.
const (
	Daily  = "daily"
	Weekly = "weekly"
	Never  = "never"
)

// DefaultFrequency is the digest frequency of someone who never chose one: a school's
// grades and appointments should reach a student who has not looked for a day.
const DefaultFrequency = Daily

// Kind is a notification kind with its default choice and what it is called on the
// settings page.
type Kind struct {
	Name    string
	Label   string
	Default string
}

// Kinds are every notification kind (the notifications table's CHECK), in the order
// the settings page shows them. Defaults: what someone would be sorry to miss (being
// mentioned, a reply, a grade, an appointment, a message) also goes to the digest;
// the frequent and minor (likes, enrolments, finished quizzes) stay on the site.
var Kinds = []Kind{
	{"mention", "Someone mentions you", Digest},
	{"comment", "Someone comments on your post", Digest},
	{"like", "Someone likes your post", Live},
	{"message", "A chat message", Digest},
	{"enrollment", "A student enrolls in your subject", Live},
	{"quiz_completed", "A student finishes your quiz", Live},
	{"quiz_graded", "Your quiz attempt is graded", Digest},
	{"assignment_graded", "Your hand-in is graded", Digest},
	{"appointment", "Appointment requests and answers", Digest},
}

// Choices and Frequencies are the accepted values, in the order pages show them.
var (
	Choices     = []string{Live, Digest, Off}
	Frequencies = []string{Daily, Weekly, Never}
)

// DefaultChoice is a kind's choice for someone who never set it ("" for an unknown kind).
func DefaultChoice(kind string) string {
	for _, k := range Kinds {
		if k.Name == kind {
			return k.Default
		}
	}
	return ""
}

// digestByDefault lists the kinds whose default is Digest, for the digest queries.
func digestByDefault() []string {
	var out []string
	for _, k := range Kinds {
		if k.Default == Digest {
			out = append(out, k.Name)
		}
	}
	return out
}

// Preferences are a person's choices with every default filled in.
type Preferences struct {
	Kinds           map[string]string // every kind of Kinds
	DigestFrequency string
}

// Preferences returns a person's choices.
func (s *Service) Preferences(ctx context.Context, userID int64) (Preferences, error) {
	stored, err := s.DB.NotificationSettingsOf(ctx, userID)
	if err != nil {
		return Preferences{}, err
	}
	return fill(stored), nil
}

func fill(stored store.NotificationSettings) Preferences {
	p := Preferences{Kinds: map[string]string{}, DigestFrequency: stored.DigestFrequency}
	for _, k := range Kinds {
		p.Kinds[k.Name] = k.Default
		if c, ok := stored.Kinds[k.Name]; ok {
			p.Kinds[k.Name] = c
		}
	}
	if p.DigestFrequency == "" {
		p.DigestFrequency = DefaultFrequency
	}
	return p
}

// PreferencesUpdate changes some choices: the kinds named in Kinds, and the frequency
// when it is set. What it leaves out stays as it was.
type PreferencesUpdate struct {
	Kinds           map[string]string
	DigestFrequency *string
}

// SetPreferences validates and stores an update as one transaction (an unknown kind or
// value refuses the whole update with a 400 naming it) and returns the new choices.
func (s *Service) SetPreferences(ctx context.Context, userID int64, u PreferencesUpdate) (Preferences, error) {
	errs := form.Errors{}
	names := make([]string, 0, len(u.Kinds))
	for name := range u.Kinds {
		names = append(names, name)
	}
	sort.Strings(names) // the messages and the writes in a stable order
	for _, name := range names {
		if DefaultChoice(name) == "" {
			errs.Add("kinds", "Unknown notification kind; the kinds are "+kindNames()+".")
		} else if !slices.Contains(Choices, u.Kinds[name]) {
			errs.Add("kinds", "Choose live, digest or off for “"+name+"”.")
		}
	}
	if u.DigestFrequency != nil && !slices.Contains(Frequencies, *u.DigestFrequency) {
		errs.Add("digest_frequency", "Choose daily, weekly or never.")
	}
	if len(errs) > 0 {
		return Preferences{}, problem.Fields(errs)
	}
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		for _, name := range names {
			if err := tx.SetNotificationChoice(ctx, userID, name, u.Kinds[name]); err != nil {
				return err
			}
		}
		if u.DigestFrequency != nil {
			return tx.SetDigestFrequency(ctx, userID, *u.DigestFrequency)
		}
		return nil
	})
	if err != nil {
		return Preferences{}, err
	}
	return s.Preferences(ctx, userID)
}

// kindNames lists the kinds for a message.
func kindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}
