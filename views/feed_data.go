package views

// Person is a user as shown next to content.
type Person struct {
	ID        int64
	Username  string
	Name      string // full name, or the username
	Initials  string
	AvatarURL string // "" → initials
	UserType  string
}

// Segment is a run of user text: Kind "text", "mention" (Value = username, link to the
// profile) or "link" (Value = URL). Views render each with normal escaping.
type Segment struct {
	Kind  string
	Text  string
	Value string
}

// Media is a post's attachment.
type Media struct {
	Kind        string // image | video | document
	URL         string // served with the right Content-Type; documents as attachments
	Name        string // the uploader's file name
	Size        string // human readable, e.g. "2.4 MB"
	ContentType string
	Ext         string // lower-case extension without dot, for the document icon: pdf, docx, …
}

// CommentView is one comment.
type CommentView struct {
	ID         int64
	PostID     int64
	Author     Person
	Content    string    // raw text (for the edit box)
	Segments   []Segment // for display
	Created    string    // ISO 8601 UTC, for <time datetime>
	CreatedAgo string    // "3 min ago"
	Edited     bool
	CanDelete  bool // author, post owner or admin
	CanEdit    bool // author
}

// PostView is one post card.
type PostView struct {
	ID            int64
	Author        Person
	Content       string
	Segments      []Segment
	Long          bool // more than ~50 words or 600 characters: show "Read more"
	Media         *Media
	Created       string
	CreatedAgo    string
	Edited        bool
	LikesCount    int
	CommentsCount int
	Liked         bool
	CanEdit       bool // author
	CanDelete     bool // author or admin (moderation)
	// Comments are the newest few under the card on the feed, all of them (oldest
	// first) on the post page.
	Comments     []CommentView
	MoreComments int // how many are not shown (link to the post page)
}

// FeedData is the home feed page.
type FeedData struct {
	Posts []PostView
	// CardSlots, when set instead of Posts, renders that many slot holes where the
	// cards go: the page is assembled from cached card fragments (app/frag).
	CardSlots int
	// NextURL is the no-JS "Load more" link (keyset cursor), "" on the last page.
	NextURL string
	// Composer limits, for the counter and client-side checks (the server re-checks).
	MaxContent int
	// Values and errors of a composer post that failed without JS.
	Draft  string
	Errors FormErrors
}

// PostPageData is /home/post/{id}/.
type PostPageData struct {
	Post PostView
	// CardSlot renders a slot hole instead of the card: the page is assembled from the
	// card's cached fragment (app/frag).
	CardSlot bool
	Errors   FormErrors // of a failed comment or edit without JS
	Draft    string
	// Form names the form that failed without JS: "comment" (the default) or "edit"
	// (the post's edit form, shown open with Draft and Errors["content"]).
	Form string
}

// NotificationView is one notification.
type NotificationView struct {
	ID         int64
	Type       string // mention, comment, like, enrollment, quiz_completed, quiz_graded, appointment, message
	Text       string
	URL        string
	IsRead     bool
	Sender     *Person
	Created    string
	CreatedAgo string
	Preview    string // a short excerpt of the post or comment, plain text
}

// NotificationsData is /home/notifications/.
type NotificationsData struct {
	Filter string // all | unread
	Items  []NotificationView
	// ItemSlots, when set instead of Items, renders slot holes for kept rows (app/frag).
	ItemSlots   int
	NextURL     string
	UnreadCount int
}
