package api

import (
	"maps"

	"eplatform/app/people"
)

// What the people and search route tables do not say, for the OpenAPI document
// (openapi.go).
func init() { addOpDocs(peopleOps) }

var peopleOps = map[string]opDoc{
	"GET /api/profiles/{username}/": {Description: "A person's profile as the caller may see it: each section is public, for registered users, " +
		"or private to its owner; a hidden section is null. Anonymous callers see public sections only and no presence. " +
		"One's own profile also carries privacy_settings and completion. An unknown or inactive person is a 404."},
	"GET /api/profile/": {Description: "The caller's own profile, every section, with the privacy settings, the birthdate and how complete it is."},
	"PATCH /api/profile/": {Description: "Changes the caller's account fields, bio, location, website, social links and privacy settings; " +
		"nothing is written unless every field is valid."},
	"GET /api/profile/{kind}/": {Description: "The caller's entries of one kind in the caller's order, hidden ones included; an unknown kind is a 404.",
		Query: paged(defaultPageSize)},
	"POST /api/profile/{kind}/":     {Description: "Adds an entry of the kind at the end of the caller's order (at most 50 of a kind)."},
	"GET /api/profile/{kind}/{id}/": {Description: "One of the caller's entries; someone else's is a 404."},
	"PUT /api/profile/{kind}/{id}/": {Description: "Replaces one of the caller's entries: fields left out become empty."},
	"PATCH /api/profile/{kind}/{id}/": {Description: "Changes the given fields of one of the caller's entries; is_visible false hides it " +
		"from everyone but the caller."},
	"DELETE /api/profile/{kind}/{id}/":       {Description: "Deletes one of the caller's entries (and a project's picture)."},
	"POST /api/profile/{kind}/{id}/move/":    {Description: "Moves one of the caller's entries one place up or down and answers the kind's entries in their new order."},
	"POST /api/profile/projects/{id}/image/": {Description: "Sets the picture of one of the caller's projects from the multipart field image (JPEG, PNG, GIF or WebP ≤ 5 MB, recognised by content, resized to fit 1000×1000)."},
	"GET /api/search/": {Description: "Full-text search of one type of result, with the count of every type (a count stops at 1001, meaning " +
		"more than 1000). People match by username and name, each word also as a prefix; posts rank the newest 1000 matches by relevance; " +
		"subjects the caller may see. Hidden profile sections never match. Limited to the search rate.",
		Query: withPaging(defaultPageSize,
			qString("q", "the words to find (the first 200 bytes count)"),
			qEnum("type", "which results to list", "people", "people", "posts", "subjects"))},
	"GET /api/search/suggest/": {Description: "A few people and subjects whose names start with the words of q, for a search box as the user types.",
		Query: []map[string]any{qString("q", "what was typed so far")}},
}

func init() { maps.Copy(schemas, entrySchemas()) }

// entrySchemas describes profile entries from people.Kinds, the same descriptions
// that drive the forms and the validation: ProfileEntry is one of a schema per kind
// (ProfileEducation, …), told apart by kind; ProfileEntryInput takes any kind's fields.
func entrySchemas() map[string]any {
	out := map[string]any{}
	var oneOf []any
	mapping := map[string]any{}
	input := map[string]any{"is_visible": map[string]any{"type": "boolean", "default": true, "description": "false hides the entry from everyone but you"}}
	for _, k := range people.Kinds {
		props := map[string]any{
			"id": integer, "kind": map[string]any{"type": "string", "enum": []string{k.Name}},
			"is_visible": boolean, "position": map[string]any{"type": "integer", "description": "sort key in your order"},
			"created_at": instant, "updated_at": instant,
		}
		required := []string{"id", "kind", "is_visible", "position", "created_at", "updated_at"}
		for _, f := range k.Fields {
			props[f.Name] = entryFieldSchema(f, false)
			required = append(required, f.Name)
			if _, seen := input[f.Name]; !seen {
				input[f.Name] = entryFieldSchema(f, true)
			}
		}
		if k.HasImage {
			props["image"] = map[string]any{"type": []string{"string", "null"}, "description": "the picture's address, or null"}
			required = append(required, "image")
		}
		name := "Profile" + k.Title
		out[name] = obj(required, props)
		oneOf = append(oneOf, ref(name))
		mapping[k.Name] = "#/components/schemas/" + name
	}
	out["ProfileEntry"] = map[string]any{"oneOf": oneOf, "discriminator": map[string]any{"propertyName": "kind", "mapping": mapping}}
	out["ProfileEntryInput"] = map[string]any{"type": "object", "properties": input,
		"description": "the fields of the path's kind (see ProfileEducation, ProfileExperience, ProfileSkills, ProfileProjects, " +
			"ProfileCertifications): text, dates as YYYY-MM-DD, links as http(s) addresses, proficiency 1–5; fields of other kinds are ignored"}
	return out
}

// entryFieldSchema is one field of an entry; in a request (input) dates are
// strings and limits are per kind, so only the type is given.
func entryFieldSchema(f people.Field, input bool) map[string]any {
	var s map[string]any
	switch f.Type {
	case "proficiency":
		s = map[string]any{"type": "integer", "minimum": 1, "maximum": len(people.Proficiency) - 1,
			"description": "1 Beginner … 5 Expert"}
	case "date":
		s = map[string]any{"type": []string{"string", "null"}, "format": "date"}
		if input {
			s = map[string]any{"type": "string", "description": "YYYY-MM-DD, or empty"}
		}
	case "url":
		s = map[string]any{"type": "string", "description": "an http(s) address, or empty"}
	default:
		s = map[string]any{"type": "string"}
	}
	if f.Max > 0 && !input {
		s["maxLength"] = f.Max
	}
	if f.Label != "" {
		if _, has := s["description"]; !has {
			s["description"] = f.Label
		}
	}
	return s
}
