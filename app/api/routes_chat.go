package api

// chatRoutes are the chat endpoints (also answered under /chat/api/, see ServeHTTP).
func (a *API) chatRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/chat/conversations/", Tag: "chat", Summary: "Your conversations, most recent activity first, with the last message and your unread count; a 1:1 conversation is listed once it has a message", Auth: true, Response: "ConversationList", Status: 200, Handler: a.listConversations},
		{Method: "POST", Path: "/api/chat/conversations/start/", Tag: "chat", Summary: "Start or reopen the 1:1 conversation with a user, optionally with a first message (delivered live); 201 when created, 200 when it existed", Auth: true, Body: "ConversationStart", Response: "Conversation", Status: 201, Handler: a.startConversation},
		{Method: "GET", Path: "/api/chat/conversations/{id}/", Tag: "chat", Summary: "One of your conversations (404 unless you are a member)", Auth: true, Response: "Conversation", Status: 200, Handler: a.getConversation},
		{Method: "GET", Path: "/api/chat/conversations/{id}/messages/", Tag: "chat", Summary: "Messages, newest first (page, page_size default 50, before_id, after_id); marks the conversation read", Auth: true, Response: "MessageList", Status: 200, Handler: a.conversationMessages},
		{Method: "POST", Path: "/api/chat/conversations/{id}/add_message/", Tag: "chat", Summary: "Send a message: JSON {content} or multipart content and/or file_attachment (≤ 5 MB); delivered live", Auth: true, Body: "MessageCreate", Response: "Message", Status: 201, Handler: a.addMessage},
		{Method: "POST", Path: "/api/chat/conversations/{id}/mark_read/", Tag: "chat", Summary: "Mark the conversation read", Auth: true, Response: "MarkReadResult", Status: 200, Handler: a.markConversationRead},
		{Method: "POST", Path: "/api/chat/conversations/{id}/members/", Tag: "chat", Summary: "Add members to a group you own (at most 50 members)", Auth: true, Body: "GroupMembers", Response: "Conversation", Status: 200, Handler: a.addMembers},
		{Method: "DELETE", Path: "/api/chat/conversations/{id}/members/{user_id}/", Tag: "chat", Summary: "Remove a member from a group you own", Auth: true, Status: 204, Handler: a.removeMember},
		{Method: "POST", Path: "/api/chat/conversations/{id}/leave/", Tag: "chat", Summary: "Leave a group", Auth: true, Status: 204, Handler: a.leaveConversation},
		{Method: "POST", Path: "/api/chat/groups/", Tag: "chat", Summary: "Create a group with a title and members (at most 50 with you)", Auth: true, Body: "GroupCreate", Response: "Conversation", Status: 201, Handler: a.createGroup},
		{Method: "GET", Path: "/api/chat/users/", Tag: "chat", Summary: "People to chat with (q: username or name prefixes)", Auth: true, Response: "ChatUserList", Status: 200, Handler: a.chatUsers},
		{Method: "POST", Path: "/api/chat/users/status/update/", Tag: "chat", Summary: "The caller's presence (the original's status update; presence follows open sockets)", Auth: true, Response: "UserStatus", Status: 200, Handler: a.ownStatus},
		{Method: "GET", Path: "/api/chat/users/{id}/status/", Tag: "chat", Summary: "A user's presence (404 for an unknown user)", Auth: true, Response: "UserStatus", Status: 200, Handler: a.userStatus},
		{Method: "GET", Path: "/api/chat/unread-count/", Tag: "chat", Summary: "Your unread messages over all conversations", Auth: true, Response: "ChatUnreadCount", Status: 200, Handler: a.chatUnreadCount},
		{Method: "PUT", Path: "/api/chat/messages/{id}/edit/", Tag: "chat", Summary: "Edit your message (not a deleted one)", Auth: true, Body: "ContentBody", Response: "Message", Status: 200, Handler: a.editMessage},
		{Method: "DELETE", Path: "/api/chat/messages/{id}/delete/", Tag: "chat", Summary: "Delete your message: its text and file are blanked everywhere", Auth: true, Response: "MessageDeleted", Status: 200, Handler: a.deleteMessage},
	}
}
