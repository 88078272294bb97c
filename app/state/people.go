package state

// openPeople builds the people services; called at the end of Open.
func (s *State) openPeople() {}
