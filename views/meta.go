package views

import (
	"strings"
	"unicode/utf8"
)

// siteDescription describes the site where nothing more precise is known.
const siteDescription = "E-Platform is a social learning platform: a feed, chat, subjects with materials and quizzes, profiles and appointments with instructors."

// navDescriptions describe a page by its navigation key.
var navDescriptions = map[string]string{
	"home":          "Your E-Platform feed: posts, comments and likes from your classmates and instructors.",
	"notifications": "Your E-Platform notifications: mentions, comments, likes, enrollments, quiz results and appointments.",
	"chat":          "Your E-Platform conversations: direct messages and groups with classmates and instructors.",
	"subjects":      "Subjects on E-Platform: course materials, assignments and quizzes from your instructors.",
	"quizzes":       "Quizzes on E-Platform: take timed quizzes, see your results and, as an instructor, grade and analyse them.",
	"ai":            "The E-Platform learning assistant: feedback on your quizzes, materials, deadlines and activity.",
	"profile":       "Profiles on E-Platform: education, experience, skills, projects and certifications.",
	"search":        "Search E-Platform for people, posts and subjects.",
	"contact":       "Contact the E-Platform team, read the FAQ and book an appointment with an instructor.",
	"admin":         "E-Platform administration: users, moderation, subjects, FAQ, contact inbox, appointments and system.",
}

// titleDescriptions describe the pages outside the navigation by their title.
var titleDescriptions = map[string]string{
	"Log in":                "Log in to E-Platform, the social learning platform of your school or course.",
	"Create an account":     "Create your E-Platform account as a student, an instructor or an admin.",
	"Reset your password":   "Forgot your E-Platform password? Get a link to choose a new one by mail.",
	"Choose a new password": "Choose a new password for your E-Platform account.",
}

// MetaDescription is the page's description for search engines and link previews:
// its own, or one for its kind, or the site's.
func (p Page) MetaDescription() string {
	if p.Description != "" {
		return p.Description
	}
	if d, ok := navDescriptions[p.Nav]; ok {
		return d
	}
	if d, ok := titleDescriptions[p.Title]; ok {
		return d
	}
	return siteDescription
}

// Describe returns the page with its own description: text on one line, cut at a
// word to about 160 characters (what search results show). Empty text keeps the
// default.
func (p Page) Describe(text string) Page {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return p
	}
	const max = 160
	if utf8.RuneCountInString(text) > max {
		cut := string([]rune(text)[:max-1])
		if i := strings.LastIndexByte(cut, ' '); i > max/2 {
			cut = cut[:i]
		}
		text = strings.TrimRight(cut, " ,;:.") + "…"
	}
	p.Description = text
	return p
}

// profileDescription says whose profile it is, with the bio the viewer may see.
func profileDescription(d ProfileData) string {
	return d.Person.name() + " (@" + d.Person.Username + "), " + strings.ToLower(ProfileRoleLabel(d.Person.UserType)) +
		" on E-Platform. " + d.Bio
}

// postDescription names the post's author (its text may be long, and the page's
// shell is shared by every version of the card).
func postDescription(d PostPageData) string {
	return "A post by " + d.Post.Author.name() + " on E-Platform, with its comments."
}

// subjectDescription is the subject's code, name and description.
func subjectDescription(s SubjectCard) string {
	if s.Description == "" {
		return s.Code + " " + s.Name + ": a subject on E-Platform with its materials and quizzes."
	}
	return s.Code + " " + s.Name + ": " + s.Description
}
