package state

// openLearn builds the learn services; called at the end of Open.
func (s *State) openLearn() {}
