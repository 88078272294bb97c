package state

import (
	"time"

	"eplatform/app/quiz"
)

// openQuiz builds the quiz services; called at the end of Open. The sweeper finishes
// attempts past their deadline every 15 s; it stops by itself once the database is
// closed (State.Close), or with s.Quiz.Close().
func (s *State) openQuiz() {
	s.Quiz = &quiz.Service{DB: s.DB, Cache: s.Cache, Notify: s.Notify, Media: s.Media, Log: s.Log, Now: s.Now}
	s.Quiz.StartSweeper(15 * time.Second)
}
