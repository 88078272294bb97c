package api

import "maps"

// The chat's request and response schemas, merged into schemas (openapi.go).
func init() { maps.Copy(schemas, chatSchemas) }

var (
	nullInt     = map[string]any{"type": []string{"integer", "null"}}
	nullInstant = map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	idList      = map[string]any{"type": "array", "items": integer, "description": "user ids (a form may send \"1,2,3\")"}
)

var chatSchemas = map[string]any{
	"ChatUser": obj([]string{"id", "username", "first_name", "last_name", "profile_picture", "online_status"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "profile_picture": nullStr,
		"online_status": boolean, "last_seen": nullInstant}),
	"Message": obj([]string{"id", "conversation", "sender", "sender_name", "sender_picture", "content", "timestamp", "is_read",
		"delivery_status", "is_edited", "edited_timestamp", "is_deleted", "deleted_timestamp", "file_url", "file_type", "file_name", "file_size"}, map[string]any{
		"id": integer, "conversation": integer,
		"sender":      map[string]any{"type": []string{"integer", "null"}, "description": "null once the sender's account is removed"},
		"sender_id":   nullInt,
		"sender_name": str, "sender_picture": nullStr,
		"content":         map[string]any{"type": "string", "description": "plain text as typed; blank once deleted"},
		"timestamp":       instant,
		"is_read":         map[string]any{"type": "boolean", "description": "your own message: every other member read it; another's: you read it"},
		"delivery_status": map[string]any{"type": "string", "enum": []string{"pending", "delivered", "read"}},
		"is_edited":       boolean, "edited_timestamp": nullInstant, "is_deleted": boolean, "deleted_timestamp": nullInstant,
		"file_url":  map[string]any{"type": []string{"string", "null"}, "description": "absolute; served to the conversation's members only"},
		"file_type": map[string]any{"type": []string{"string", "null"}, "enum": []any{"image", "document", "audio", "video", "other", nil}},
		"file_name": nullStr, "file_size": nullInt}),
	"Conversation": obj([]string{"id", "participants", "created_at", "updated_at", "last_message", "unread_count"}, map[string]any{
		"id": integer, "kind": map[string]any{"type": "string", "enum": []string{"direct", "group"}},
		"title":        map[string]any{"type": "string", "description": "the group's title, or the other person's name"},
		"participants": map[string]any{"type": "array", "items": ref("ChatUser")},
		"created_by":   nullInt, "role": map[string]any{"type": "string", "enum": []string{"owner", "member"}},
		"created_at": instant, "updated_at": instant,
		"last_message": map[string]any{"oneOf": []any{ref("Message"), map[string]any{"type": "null"}}},
		"unread_count": integer}),
	"ConversationStart": obj([]string{"user_id"}, map[string]any{"user_id": integer,
		"message": map[string]any{"type": "string", "description": "optional first message, delivered live"}}),
	"MessageCreate": obj(nil, map[string]any{"content": map[string]any{"type": "string", "maxLength": 5000},
		"file_attachment": map[string]any{"type": "string", "format": "binary", "description": "multipart only; ≤ 5 MB image, video, audio or document"}}),
	"MarkReadResult":   obj([]string{"success", "marked_read"}, map[string]any{"success": boolean, "marked_read": integer}),
	"GroupCreate":      obj([]string{"title", "user_ids"}, map[string]any{"title": str, "user_ids": idList}),
	"GroupMembers":     obj([]string{"user_ids"}, map[string]any{"user_ids": idList}),
	"UserStatus":       obj([]string{"user", "is_online", "last_active"}, map[string]any{"user": ref("ChatUser"), "is_online": boolean, "last_active": nullInstant}),
	"ChatUnreadCount":  obj([]string{"unread_count"}, map[string]any{"unread_count": integer}),
	"MessageDeleted":   obj([]string{"message"}, map[string]any{"message": str, "id": integer}),
	"ConversationList": listOf("Conversation"),
	"MessageList":      listOf("Message"),
	"ChatUserList":     listOf("ChatUser"),
}

// What the chat route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(chatOps) }

var chatOps = map[string]opDoc{
	"GET /api/chat/conversations/": {Description: "The caller's conversations, the most recently active first, each with its last message and " +
		"the caller's unread count. A direct conversation shows up once it has a message.",
		Query: paged(defaultPageSize)},
	"POST /api/chat/conversations/start/": {Description: "Opens the direct conversation with user_id (201 when it is new, 200 when it " +
		"existed), optionally sending a first message, delivered live. An unknown or inactive person, or oneself, is a 400 on user_id.",
		Status: []int{200}},
	"GET /api/chat/conversations/{id}/": {Description: "One of the caller's conversations; someone else's is a 404, so strangers learn nothing."},
	"GET /api/chat/conversations/{id}/messages/": {Description: "The conversation's messages, newest first; reading them marks the " +
		"conversation read for the caller. before_id and after_id page by message instead of by number.",
		Query: withPaging(messagePageSize,
			qID("before_id", "only messages older than this one"),
			qID("after_id", "only messages newer than this one"))},
	"POST /api/chat/conversations/{id}/add_message/": {Description: "Sends a message: JSON {content}, or multipart with content and/or " +
		"one file_attachment (≤ 5 MB; images, video, audio, documents, recognised by content). Delivered live to the members. " +
		"Limited to a burst of 10, then one every 3 seconds."},
	"POST /api/chat/conversations/{id}/mark_read/": {Description: "Marks every message of the conversation read for the caller; the senders see their read ticks live."},
	"POST /api/chat/conversations/{id}/members/": {Description: "Adds people to a group the caller owns (a group has at most 50 members). " +
		"A member who is not the owner, or a direct conversation: 403."},
	"DELETE /api/chat/conversations/{id}/members/{user_id}/": {Description: "Removes a member from a group the caller owns; to leave it oneself, use leave/. " +
		"A member who is not the owner: 403."},
	"POST /api/chat/conversations/{id}/leave/": {Description: "Leaves a group; when its owner leaves, the longest-standing member becomes the owner. A direct conversation cannot be left (403)."},
	"POST /api/chat/groups/":                   {Description: "Creates a group owned by the caller with a title and members (at most 50 with the caller); unknown people are a 400 on user_ids."},
	"GET /api/chat/users/": {Description: "Active people to start a conversation with, by username or name prefix.",
		Query: withPaging(defaultPageSize, qString("q", "username or name prefixes"))},
	"GET /api/chat/users/{id}/status/": {Description: "Whether a person is online now (an open tab) and when they were last active."},
	"GET /api/chat/unread-count/":      {Description: "The caller's unread messages over every conversation (the navigation badge)."},
	"PUT /api/chat/messages/{id}/edit/": {Description: "Replaces the text of the caller's message; the members see the change live. " +
		"Another member's message is a 403, a deleted one a 400."},
	"DELETE /api/chat/messages/{id}/delete/": {Description: "Deletes the caller's message: its text and file are blanked for everyone and the file is removed. Another member's message is a 403."},
}
