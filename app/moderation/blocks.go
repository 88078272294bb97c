package moderation

import (
	"context"
	"errors"

	"eplatform/app/problem"
	"eplatform/app/store"
)

// What a block does, decided once here and applied where the effect is:
//
//   - chat (chat.blockedBetween): no direct conversation can be started and no
//     direct message sent between the two, either way, with a 403 saying why; groups
//     are unchanged (a group is its owner's; silencing one member there would be
//     silencing them for everyone);
//   - mentions (feed.mention): a mention of the blocker by the blocked person creates
//     no notification;
//   - feed (feed.Hidden): the blocked person's posts leave the blocker's feed and the
//     API's newest posts, and their comments leave the cards and post pages the
//     blocker sees. The blocked person is not told.

// errNoUser answers a block of someone who does not exist.
var errNoUser = problem.NotFound("No such user.")

// Block makes viewer block the user otherID. Blocking twice is not an error.
func (s *Service) Block(ctx context.Context, viewer store.User, otherID int64) (store.UserMini, error) {
	if otherID == viewer.ID {
		return store.UserMini{}, problem.Field("user_id", "You cannot block yourself.")
	}
	other, err := s.user(ctx, otherID)
	if err != nil {
		return store.UserMini{}, err
	}
	if err := s.allow(ctx, s.BlockRule, viewer.ID); err != nil {
		return store.UserMini{}, err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		_, err := tx.Block(ctx, viewer.ID, other.ID, s.Now())
		return err
	}); err != nil {
		return store.UserMini{}, err
	}
	s.Feed.BlocksChanged(ctx, viewer.ID)
	return other, nil
}

// Unblock lifts viewer's block of otherID; lifting a block that is not there is not an
// error (the person exists or it is a 404).
func (s *Service) Unblock(ctx context.Context, viewer store.User, otherID int64) (store.UserMini, error) {
	other, err := s.user(ctx, otherID)
	if err != nil {
		return store.UserMini{}, err
	}
	if err := s.allow(ctx, s.BlockRule, viewer.ID); err != nil {
		return store.UserMini{}, err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		_, err := tx.Unblock(ctx, viewer.ID, other.ID)
		return err
	}); err != nil {
		return store.UserMini{}, err
	}
	s.Feed.BlocksChanged(ctx, viewer.ID)
	return other, nil
}

// UserByName resolves a username for the profile's block button (404 when unknown).
func (s *Service) UserByName(ctx context.Context, username string) (store.UserMini, error) {
	u, err := s.DB.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return store.UserMini{}, errNoUser
	}
	if err != nil {
		return store.UserMini{}, err
	}
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType,
		ProfilePicture: u.ProfilePicture}, nil
}

func (s *Service) user(ctx context.Context, id int64) (store.UserMini, error) {
	u, err := s.DB.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.UserMini{}, errNoUser
	}
	if err != nil {
		return store.UserMini{}, err
	}
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType,
		ProfilePicture: u.ProfilePicture}, nil
}

// Blocked lists the people viewer blocks, most recent first.
func (s *Service) Blocked(ctx context.Context, viewer store.User) ([]store.BlockedUser, error) {
	return s.DB.BlockedUsers(ctx, viewer.ID)
}

// Blocks tells whether viewer blocks otherID (the profile shows Block or Unblock).
func (s *Service) Blocks(ctx context.Context, viewer store.User, otherID int64) (bool, error) {
	return s.DB.Blocks(ctx, viewer.ID, otherID)
}
