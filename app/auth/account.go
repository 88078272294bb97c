package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/store"
)

// AccountUpdate is a change to the self-editable account fields; nil leaves a field as
// it is (PATCH), so PUT passes every field.
type AccountUpdate struct {
	Email, FirstName, LastName, Birthdate *string
}

// UpdateAccount applies u to the user's account with the signup rules: a valid,
// unused email, non-empty names and, for students, the 17–40 age rule.
func (s *Service) UpdateAccount(ctx context.Context, userID int64, u AccountUpdate) (store.User, form.Errors, error) {
	cur, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, nil, err
	}
	next := store.UserUpdate{Email: cur.Email, FirstName: cur.FirstName, LastName: cur.LastName, Birthdate: cur.Birthdate}
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
		birth, m := ParseBirthdate(next.Birthdate, s.Now())
		if m != "" {
			errs.Add("birthdate", m)
		} else if cur.UserType == Student {
			if age := Age(birth, s.Now()); age < MinStudentAge || age > MaxStudentAge {
				errs.Add("birthdate", fmt.Sprintf("Students must be between %d and %d years old.", MinStudentAge, MaxStudentAge))
			}
		}
	}
	if len(errs) > 0 {
		return store.User{}, errs, nil
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
		errs.Add("email", "A user with that email already exists.")
		return store.User{}, errs, nil
	}
	return updated, nil, err
}

// SetProfilePicture validates and stores a new picture (≤ 5 MB, JPEG/PNG/GIF/WebP by
// content, resized to fit 1000×1000) and removes the old file. The message of a
// returned *PictureError is safe to show.
func (s *Service) SetProfilePicture(ctx context.Context, userID int64, data []byte) (string, error) {
	if len(data) > media.MaxPictureBytes {
		return "", &PictureError{"File too large. Maximum size is 5MB.", true}
	}
	processed, ext, err := media.ProcessPicture(data, media.MaxPictureSide)
	if errors.Is(err, media.ErrNotImage) || errors.Is(err, media.ErrImageTooLarge) {
		return "", &PictureError{err.Error(), false}
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
		_ = s.Media.Remove(rel)
		return "", err
	}
	s.ForgetUser(ctx, userID)
	// The old file goes only after the row points at the new one.
	if err := s.Media.Remove(cur.ProfilePicture); err != nil {
		s.Log.Warn("remove old profile picture", "path", cur.ProfilePicture, "err", err)
	}
	return rel, nil
}

// PictureError is a rejected picture; TooLarge maps to 413.
type PictureError struct {
	Msg      string
	TooLarge bool
}

func (e *PictureError) Error() string { return e.Msg }
