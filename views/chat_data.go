package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// ChatPerson is a conversation member as the chat shows them.
type ChatPerson struct {
	Person
	Online   bool
	LastSeen string // "last seen 5 min ago"; "" when never seen
	Owner    bool   // manages the group
}

// ChatListItem is one line of the conversation list.
type ChatListItem struct {
	ID      int64
	Title   string
	IsGroup bool
	Avatar  Person // the other person, or the group's initials
	OtherID int64  // direct: the other person (live presence)
	Online  bool
	Preview string // the last message: its text, "📎 name", "Message deleted" or "No messages yet"
	Mine    bool   // the last message is the viewer's ("You: ")
	Time    string // "14:05", "Mon", "3 Mar" in the viewer's zone
	TimeISO string
	Unread  int
	Active  bool // the open conversation
	// TimeTitle is the full time with the zone named: "8 Dec 2026, 14:05 CET".
	TimeTitle string
}

// ChatFileView is a message's attachment.
type ChatFileView struct {
	URL  string // served to members only
	Name string
	Size string // "2.4 MB"
	Type string // image | video | audio | document | other
	Ext  string // lower-case, no dot
}

// ChatMessageView is one message bubble.
type ChatMessageView struct {
	ID         int64
	Mine       bool
	Sender     Person
	ShowSender bool // in groups, others' messages carry the sender's name
	Content    string
	Segments   []Segment
	TimeISO    string
	Time       string // "14:05" in the viewer's zone (app/zone)
	TimeTitle  string // "8 Dec 2026, 14:05 CET"
	DayKey     string // "2026-11-25"
	Day        string // "Today", "Yesterday", "Wed 25 Nov 2026"
	NewDay     bool   // a day separator goes before this message
	Status     string // own messages: pending | delivered | read
	Edited     bool
	Deleted    bool
	File       *ChatFileView
}

// ChatConversationView is the open conversation.
type ChatConversationView struct {
	ID       int64
	Title    string
	IsGroup  bool
	IsOwner  bool
	Avatar   Person
	Others   []ChatPerson
	OtherID  int64 // direct
	Online   bool
	LastSeen string
	Members  int
	Messages []ChatMessageView // oldest first
	// OlderURL loads the page before the first message shown ("" at the beginning);
	// LatestURL returns to the newest messages when an older page is shown.
	OlderURL  string
	LatestURL string
	Draft     string
	Errors    FormErrors
}

// ChatPageData is /chat/ and /chat/conversation/{id}/.
type ChatPageData struct {
	Items       []ChatListItem
	MoreURL     string // the next page of conversations, "" on the last
	Open        *ChatConversationView
	UnreadTotal int
	MaxContent  int
	MaxFile     int
}

// ChatUserView is a person in the chat directory.
type ChatUserView struct {
	Person
	Online   bool
	LastSeen string
}

// ChatUsersData is /chat/users/.
type ChatUsersData struct {
	Query   string
	Users   []ChatUserView
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

// ChatGroupForm is the new group form.
type ChatGroupForm struct {
	Title   string
	Members string // usernames, separated by commas or spaces
	Errors  FormErrors
}

// ChatMembersData is a group's members page.
type ChatMembersData struct {
	Conversation ChatConversationView // ID, Title, IsOwner, Others
	Me           ChatPerson
	Add          string
	Errors       FormErrors
}

// ChatStartData is the compose page of GET /chat/start/{user_id}/: the conversation
// is created with its first message.
type ChatStartData struct {
	User       ChatUserView
	Draft      string
	Errors     []string // the message's
	MaxContent int
}

func chatURL(id int64) templ.SafeURL {
	return templ.SafeURL("/chat/conversation/" + strconv.FormatInt(id, 10) + "/")
}

func chatAction(id int64, verb string) templ.SafeURL {
	return templ.SafeURL("/chat/conversation/" + strconv.FormatInt(id, 10) + "/" + verb + "/")
}

func chatMessageAction(id int64, verb string) templ.SafeURL {
	return templ.SafeURL("/chat/message/" + strconv.FormatInt(id, 10) + "/" + verb + "/")
}

// ChatStartURL is the page that starts (with a first message, POST) or reopens (GET)
// the 1:1 conversation with a user; other areas use it through MessageButton.
func ChatStartURL(userID int64) templ.SafeURL {
	return templ.SafeURL("/chat/start/" + strconv.FormatInt(userID, 10) + "/")
}

func chatRemoveAction(convID, userID int64) templ.SafeURL {
	return templ.SafeURL("/chat/conversation/" + strconv.FormatInt(convID, 10) + "/members/" + strconv.FormatInt(userID, 10) + "/remove/")
}

// tickLabel is what a screen reader hears for a message's delivery state.
func tickLabel(status string) string {
	switch status {
	case "read":
		return "Read"
	case "delivered":
		return "Delivered"
	}
	return "Sent"
}

func (d ChatPageData) maxContent() int { return orMax(d.MaxContent) }

func (d ChatPageData) maxFile() int {
	if d.MaxFile <= 0 {
		return maxImageBytes
	}
	return d.MaxFile
}

// chatAccept is the attachment picker's filter: what the server accepts.
const chatAccept = "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,video/ogg,video/quicktime," +
	"audio/mpeg,audio/wav,audio/ogg,.mp3,.wav,.pdf,.docx,.xlsx,.pptx,.md,.tex,.txt,application/pdf,text/plain,text/markdown"

// Emoji is one choice of the emoji picker: the character and its name (read aloud).
type Emoji struct{ Char, Name string }

// chatEmoji is the picker's fixed list: embedded, so no font or script comes from a
// CDN; the browser's own emoji font draws them.
var chatEmoji = []Emoji{
	{"😀", "grinning face"}, {"😂", "tears of joy"}, {"🙂", "slightly smiling face"}, {"😉", "winking face"},
	{"😊", "smiling face"}, {"😍", "heart eyes"}, {"🤔", "thinking face"}, {"😅", "sweat smile"},
	{"😎", "sunglasses"}, {"😢", "crying face"}, {"😮", "surprised face"}, {"😴", "sleeping face"},
	{"🙄", "rolling eyes"}, {"😬", "grimacing face"}, {"🤯", "mind blown"}, {"🥳", "partying face"},
	{"👍", "thumbs up"}, {"👎", "thumbs down"}, {"👏", "clapping hands"}, {"🙌", "raised hands"},
	{"🙏", "folded hands"}, {"👋", "waving hand"}, {"💪", "flexed biceps"}, {"👌", "OK hand"},
	{"❤️", "red heart"}, {"🔥", "fire"}, {"✨", "sparkles"}, {"🎉", "party popper"},
	{"✅", "check mark"}, {"❌", "cross mark"}, {"❓", "question mark"}, {"💡", "light bulb"},
	{"📚", "books"}, {"📝", "memo"}, {"📅", "calendar"}, {"⏰", "alarm clock"},
	{"💯", "hundred points"}, {"🚀", "rocket"}, {"☕", "coffee"}, {"🍕", "pizza"},
}
