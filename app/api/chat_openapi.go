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
