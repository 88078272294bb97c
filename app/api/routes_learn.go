package api

// learnRoutes are the learn endpoints.
func (a *API) learnRoutes() []route { return nil }
