package people

import "eplatform/app/store"

// Privacy levels of a profile section.
const (
	Public     = "public"     // everyone, signed in or not
	Registered = "registered" // signed-in users
	Private    = "private"    // the owner only
)

// Levels lists the levels from the most to the least open.
var Levels = []string{Public, Registered, Private}

// Sections of a profile that carry a privacy level.
const (
	SecBio            = "bio"
	SecLocation       = "location"
	SecWebsite        = "website"
	SecSocialLinks    = "social_links"
	SecEmail          = "email"
	SecEducation      = store.ProfileEducation
	SecExperience     = store.ProfileExperience
	SecSkills         = store.ProfileSkills
	SecProjects       = store.ProfileProjects
	SecCertifications = store.ProfileCertifications
)

// Sections lists every section, in the order the privacy form shows them. The five
// entry kinds are sections named like the kind.
var Sections = []string{SecBio, SecLocation, SecWebsite, SecSocialLinks, SecEmail,
	SecEducation, SecExperience, SecSkills, SecProjects, SecCertifications}

// Audience is who looks at a profile, as far as privacy is concerned.
type Audience int

const (
	Anonymous Audience = iota // not signed in
	Member                    // signed in, not the owner
	Owner                     // the profile's owner
)

// AudienceOf tells what viewer is to the profile of ownerID; a zero viewer (ID 0) is
// anonymous.
func AudienceOf(ownerID int64, viewer store.User) Audience {
	switch {
	case viewer.ID == 0:
		return Anonymous
	case viewer.ID == ownerID:
		return Owner
	default:
		return Member
	}
}

// CanSee is the privacy rule: everything else in this package (pages, API, search,
// suggestions) asks it. An unknown level counts as private, so a bad value fails
// closed.
func CanSee(level string, a Audience) bool {
	switch a {
	case Owner:
		return true
	case Member:
		return level == Public || level == Registered
	default:
		return level == Public
	}
}

// Level returns the level of a section ("" for an unknown section, which CanSee
// refuses).
func Level(pr store.ProfilePrivacy, section string) string {
	switch section {
	case SecBio:
		return pr.Bio
	case SecLocation:
		return pr.Location
	case SecWebsite:
		return pr.Website
	case SecSocialLinks:
		return pr.SocialLinks
	case SecEmail:
		return pr.Email
	case SecEducation:
		return pr.Education
	case SecExperience:
		return pr.Experience
	case SecSkills:
		return pr.Skills
	case SecProjects:
		return pr.Projects
	case SecCertifications:
		return pr.Certifications
	}
	return ""
}

// setLevel changes one section's level; false for an unknown section.
func setLevel(pr *store.ProfilePrivacy, section, level string) bool {
	switch section {
	case SecBio:
		pr.Bio = level
	case SecLocation:
		pr.Location = level
	case SecWebsite:
		pr.Website = level
	case SecSocialLinks:
		pr.SocialLinks = level
	case SecEmail:
		pr.Email = level
	case SecEducation:
		pr.Education = level
	case SecExperience:
		pr.Experience = level
	case SecSkills:
		pr.Skills = level
	case SecProjects:
		pr.Projects = level
	case SecCertifications:
		pr.Certifications = level
	default:
		return false
	}
	return true
}

// Shows reports whether a section of p is visible to a.
func Shows(p store.Profile, section string, a Audience) bool {
	return CanSee(Level(p.Privacy, section), a)
}

// ShowsEntry reports whether one entry is visible to a: its section must be, and a
// hidden entry (is_visible off) is for the owner alone.
func ShowsEntry(p store.Profile, e store.ProfileEntry, a Audience) bool {
	return Shows(p, e.Kind, a) && (e.IsVisible || a == Owner)
}

// ShowsPosts reports whether a sees a person's recent posts. Posts are for signed-in
// users everywhere on the site (the feed, post pages, their media), so a profile does
// not show them to anonymous visitors either.
func ShowsPosts(a Audience) bool { return a != Anonymous }

// ShowsPresence reports whether a sees whether a person is online and when they were
// last seen: signed-in users only, like chat.
func ShowsPresence(a Audience) bool { return a != Anonymous }

// LevelLabel is how the level is shown to the owner.
func LevelLabel(level string) string {
	switch level {
	case Public:
		return "Everyone"
	case Registered:
		return "Signed-in users"
	case Private:
		return "Only you"
	}
	return "Only you"
}
