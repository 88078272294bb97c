package api

// peopleRoutes are the people endpoints: profiles (people.go) and search
// (people_search.go).
func (a *API) peopleRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/profiles/{username}/", Tag: "people", Summary: "A person's profile, as the caller may see it (anonymous callers see public sections only; hidden sections are null)", Response: "Profile", Status: 200, Handler: a.getProfile},
		{Method: "GET", Path: "/api/profile/", Tag: "people", Summary: "Your own profile, complete, with privacy settings and completion", Auth: true, Response: "OwnProfile", Status: 200, Handler: a.ownProfile},
		{Method: "PATCH", Path: "/api/profile/", Tag: "people", Summary: "Change your profile: account fields, bio, location, website, social_links and privacy_settings (nothing is written unless all is valid)", Auth: true, Body: "ProfilePatch", Response: "OwnProfile", Status: 200, Handler: a.patchProfile},
		{Method: "GET", Path: "/api/profile/{kind}/", Tag: "people", Summary: "Your entries of one kind (education, experience, skills, projects, certifications), in your order, hidden ones included", Auth: true, Response: "ProfileEntryList", Status: 200, Handler: a.listEntries},
		{Method: "POST", Path: "/api/profile/{kind}/", Tag: "people", Summary: "Add an entry (appended to the end of your order)", Auth: true, Body: "ProfileEntryInput", Response: "ProfileEntry", Status: 201, Handler: a.createEntry},
		{Method: "GET", Path: "/api/profile/{kind}/{id}/", Tag: "people", Summary: "One of your entries", Auth: true, Response: "ProfileEntry", Status: 200, Handler: a.getEntry},
		{Method: "PUT", Path: "/api/profile/{kind}/{id}/", Tag: "people", Summary: "Replace one of your entries (missing fields become empty)", Auth: true, Body: "ProfileEntryInput", Response: "ProfileEntry", Status: 200, Handler: a.updateEntry},
		{Method: "PATCH", Path: "/api/profile/{kind}/{id}/", Tag: "people", Summary: "Change some fields of one of your entries, or hide it (is_visible)", Auth: true, Body: "ProfileEntryInput", Response: "ProfileEntry", Status: 200, Handler: a.updateEntry},
		{Method: "DELETE", Path: "/api/profile/{kind}/{id}/", Tag: "people", Summary: "Delete one of your entries", Auth: true, Status: 204, Handler: a.deleteEntry},
		{Method: "POST", Path: "/api/profile/{kind}/{id}/move/", Tag: "people", Summary: "Move one of your entries one place up or down in your order", Auth: true, Body: "MoveBody", Response: "ProfileEntryList", Status: 200, Handler: a.moveEntry},
		{Method: "POST", Path: "/api/profile/projects/{id}/image/", Tag: "people", Summary: "Set a project's picture (multipart image; ≤ 5 MB, JPEG/PNG/GIF/WebP, resized to fit 1000×1000)", Auth: true, Body: "ProjectImageUpload", Response: "ProfileEntry", Status: 200, Handler: a.projectImage},
		{Method: "GET", Path: "/api/search/", Tag: "search", Summary: "Full-text search: q, type (people, posts or subjects), page, page_size; counts per type stop at 1001 (more than 1000)", Auth: true, Response: "SearchResults", Status: 200, Handler: a.search},
		{Method: "GET", Path: "/api/search/suggest/", Tag: "search", Summary: "A few people and subjects for a search box as the user types (q)", Auth: true, Response: "Suggestions", Status: 200, Handler: a.suggest},
	}
}
