package web

import "net/http"

// registerChat adds the chat pages to mux (see server.go for the rest). No pattern
// here may have a wildcard right after /chat/: /chat/api/ belongs to the JSON API.
func (h *Web) registerChat(mux *http.ServeMux) {
	mux.HandleFunc("GET /chat/{$}", h.requireLogin(h.chatHome))
	mux.HandleFunc("GET /chat/conversation/{id}/{$}", h.requireLogin(h.chatConversation))
	mux.HandleFunc("GET /chat/conversation/{id}/item/{$}", h.requireLogin(h.chatListItem))
	mux.HandleFunc("POST /chat/conversation/{id}/send/{$}", h.requireLogin(h.chatSend))
	mux.HandleFunc("POST /chat/conversation/{id}/read/{$}", h.requireLogin(h.chatRead))
	mux.HandleFunc("GET /chat/conversation/{id}/members/{$}", h.requireLogin(h.chatMembers))
	mux.HandleFunc("POST /chat/conversation/{id}/members/{$}", h.requireLogin(h.chatAddMembers))
	mux.HandleFunc("POST /chat/conversation/{id}/members/{user_id}/remove/{$}", h.requireLogin(h.chatRemoveMember))
	mux.HandleFunc("POST /chat/conversation/{id}/rename/{$}", h.requireLogin(h.chatRename))
	mux.HandleFunc("POST /chat/conversation/{id}/leave/{$}", h.requireLogin(h.chatLeave))
	mux.HandleFunc("GET /chat/message/{id}/{$}", h.requireLogin(h.chatMessageFragment))
	mux.HandleFunc("POST /chat/message/{id}/edit/{$}", h.requireLogin(h.chatEdit))
	mux.HandleFunc("POST /chat/message/{id}/delete/{$}", h.requireLogin(h.chatDelete))
	mux.HandleFunc("GET /chat/users/{$}", h.requireLogin(h.chatUsers))
	mux.HandleFunc("GET /chat/start/{user_id}/{$}", h.requireLogin(h.chatStartForm))
	mux.HandleFunc("POST /chat/start/{user_id}/{$}", h.requireLogin(h.chatStart))
	mux.HandleFunc("GET /chat/groups/new/{$}", h.requireLogin(h.chatGroupForm))
	mux.HandleFunc("POST /chat/groups/new/{$}", h.requireLogin(h.chatCreateGroup))
	mux.HandleFunc("GET /chat/files/{id}/{name}", h.chatFile)
}
