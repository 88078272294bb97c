package auth

import (
	"context"
	"errors"
	"strings"

	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/app/zone"
)

// AccountUpdate is a change to the self-editable account fields; nil leaves a field as
// it is (PATCH), so PUT passes every field.
type AccountUpdate struct {
	Email, FirstName, LastName, Birthdate *string
	// TimeZone is an IANA zone name (app/zone); "" clears it (times in UTC).
	TimeZone *string
}

// Empty reports whether the update changes nothing.
func (u AccountUpdate) Empty() bool {
	return u.Email == nil && u.FirstName == nil && u.LastName == nil && u.Birthdate == nil && u.TimeZone == nil
}

// CheckAccountUpdate applies the signup rules that need no database to the fields u
// sets: a valid email, non-empty names, a real birthdate (for a student, 17–40
// years old) and a time zone the zone database knows. It returns the values to store
// and the messages by field.
func (s *Service) CheckAccountUpdate(cur store.User, u AccountUpdate) (store.UserUpdate, form.Errors) {
	next := store.UserUpdate{Email: cur.Email, FirstName: cur.FirstName, LastName: cur.LastName, Birthdate: cur.Birthdate,
		TimeZone: cur.TimeZone}
	errs := form.Errors{}
	if u.Email != nil {
		next.Email = NormalizeEmail(*u.Email)
		if m := CheckEmail(next.Email); m != "" {
			errs.Add("email", m)
		}
	}
	if u.FirstName != nil {
		next.FirstName = strings.TrimSpace(*u.FirstName)
		if m := CheckName(next.FirstName); m != "" {
			errs.Add("first_name", m)
		}
	}
	if u.LastName != nil {
		next.LastName = strings.TrimSpace(*u.LastName)
		if m := CheckName(next.LastName); m != "" {
			errs.Add("last_name", m)
		}
	}
	if u.Birthdate != nil {
		next.Birthdate = strings.TrimSpace(*u.Birthdate)
		if m := checkBirthdate(next.Birthdate, cur.UserType, s.Now()); m != "" {
			errs.Add("birthdate", m)
		}
	}
	if u.TimeZone != nil {
		v, m := text.Field(*u.TimeZone, false, zone.MaxName)
		if m == "" {
			m = zone.Check(v)
		}
		next.TimeZone = v
		if m != "" {
			errs.Add("time_zone", m)
		}
	}
	return next, errs
}

// UpdateAccount applies u to the user's account with the signup rules: a valid,
// unused email, non-empty names and, for students, the 17–40 age rule. Invalid input
// is a problem.Fields; nothing is written then.
func (s *Service) UpdateAccount(ctx context.Context, userID int64, u AccountUpdate) (store.User, error) {
	cur, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, err
	}
	next, errs := s.CheckAccountUpdate(cur, u)
	if len(errs) > 0 {
		return store.User{}, problem.Fields(errs)
	}
	var updated store.User
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateUser(ctx, userID, next); err != nil {
			return err
		}
		updated, err = tx.UserByID(ctx, userID)
		return err
	})
	s.ForgetUser(ctx, userID)
	var conflict *store.ConflictError
	if errors.As(err, &conflict) && conflict.Constraint == "users.email" {
		return store.User{}, problem.Field("email", "A user with that email already exists.")
	}
	return updated, err
}

// PictureTooLarge is the refusal of a profile picture over 5 MB (the original API's
// wording).
var PictureTooLarge = problem.TooLarge("File too large. Maximum size is 5MB.")

// SetProfilePicture validates and stores a new picture (≤ 5 MB, JPEG/PNG/GIF/WebP by
// content, resized to fit 1000×1000) and removes the old file. A file over the limit
// is PictureTooLarge; one that is not a picture a problem naming profile_picture.
func (s *Service) SetProfilePicture(ctx context.Context, userID int64, data []byte) (string, error) {
	if len(data) > media.MaxPictureBytes {
		return "", PictureTooLarge
	}
	processed, ext, err := media.ProcessPicture(data, media.MaxPictureSide)
	if errors.Is(err, media.ErrNotImage) || errors.Is(err, media.ErrImageTooLarge) {
		return "", problem.Field("profile_picture", err.Error())
	}
	if err != nil {
		return "", err
	}
	cur, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return "", err
	}
	rel, err := s.Media.Save("profile_pictures", ext, processed)
	if err != nil {
		return "", err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetProfilePicture(ctx, userID, rel) }); err != nil {
		s.removeMedia(ctx, rel)
		return "", err
	}
	s.ForgetUser(ctx, userID)
	// The old file goes only after the row points at the new one.
	s.removeMedia(ctx, cur.ProfilePicture)
	return rel, nil
}

// RemoveProfilePicture removes the user's picture and its file.
func (s *Service) RemoveProfilePicture(ctx context.Context, userID int64) error {
	u, err := s.DB.UserByID(ctx, userID)
	if err != nil || u.ProfilePicture == "" {
		return err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetProfilePicture(ctx, userID, "") }); err != nil {
		return err
	}
	s.ForgetUser(ctx, userID)
	s.removeMedia(ctx, u.ProfilePicture)
	return nil
}

// removeMedia deletes a file the database no longer points at. A file that cannot be
// removed only wastes space, so it is logged, not returned.
func (s *Service) removeMedia(ctx context.Context, rel string) {
	if rel == "" {
		return
	}
	if err := s.Media.Remove(rel); err != nil {
		s.Log.WarnContext(ctx, "remove picture", "path", rel, "err", err)
	}
}
