package state

// openQuiz builds the quiz services; called at the end of Open.
func (s *State) openQuiz() {}
