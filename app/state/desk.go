package state

// openDesk builds the desk services; called at the end of Open.
func (s *State) openDesk() {}
