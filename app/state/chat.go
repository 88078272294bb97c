package state

// openChat builds the chat services; called at the end of Open.
func (s *State) openChat() {}
