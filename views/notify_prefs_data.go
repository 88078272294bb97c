package views

// NotificationSettingsData is the notification settings page: one row per kind with
// its choice, and the digest frequency.
type NotificationSettingsData struct {
	Kinds       []NotificationKindRow
	Choices     []Choice // live, digest, off
	Frequency   string
	Frequencies []Choice
	Errors      map[string][]string
}

// NotificationKindRow is one kind of notification and the person's choice.
type NotificationKindRow struct {
	Name, Label, Choice string
}

// UnsubscribeData is the page an unsubscribe link opens.
type UnsubscribeData struct {
	Action string // the link itself (its token in the query), posted to by the button
	Done   bool
}
