package api

// quizRoutes are the quiz endpoints.
func (a *API) quizRoutes() []route { return nil }
