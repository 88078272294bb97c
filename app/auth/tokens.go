package auth

import (
	"context"
	"errors"
	"time"

	"eplatform/app/cache"
	"eplatform/app/store"
)

// Token lifetimes of the JSON API.
const (
	AccessTokenLife  = 30 * time.Minute
	RefreshTokenLife = 14 * 24 * time.Hour
)

// TokenPair is what login and refresh return.
type TokenPair struct {
	Access  string `json:"access"`
	Refresh string `json:"refresh"`
}

// IssueTokens starts a new token family for a login.
func (s *Service) IssueTokens(ctx context.Context, userID int64) (TokenPair, error) {
	var pair TokenPair
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		pair, err = s.insertPair(ctx, tx, userID, 0)
		return err
	})
	return pair, err
}

func (s *Service) insertPair(ctx context.Context, tx *store.Queries, userID, family int64) (TokenPair, error) {
	now := s.Now()
	refresh, refreshHash := newToken()
	id, err := tx.InsertAPIToken(ctx, store.APIToken{
		TokenHash: refreshHash, UserID: userID, Kind: "refresh", Family: family,
		CreatedAt: now, ExpiresAt: now.Add(RefreshTokenLife),
	})
	if err != nil {
		return TokenPair{}, err
	}
	if family == 0 {
		family = id
	}
	access, accessHash := newToken()
	if _, err := tx.InsertAPIToken(ctx, store.APIToken{
		TokenHash: accessHash, UserID: userID, Kind: "access", Family: family,
		CreatedAt: now, ExpiresAt: now.Add(AccessTokenLife),
	}); err != nil {
		return TokenPair{}, err
	}
	return TokenPair{Access: access, Refresh: refresh}, nil
}

// Refresh rotates a refresh token: the presented one is revoked and a new pair of the
// same family is issued. Presenting an already revoked refresh token means it was
// copied: the whole family is revoked and ErrInvalidToken returned.
func (s *Service) Refresh(ctx context.Context, refresh string) (TokenPair, error) {
	if refresh == "" || len(refresh) > 100 {
		return TokenPair{}, ErrInvalidToken
	}
	hash := hashToken(refresh)
	var pair TokenPair
	var reused bool
	var revoked [][]byte
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		reused, revoked = false, nil
		t, err := tx.APITokenByHash(ctx, hash)
		if err != nil || t.Kind != "refresh" || !s.Now().Before(t.ExpiresAt) {
			return ErrInvalidToken
		}
		u, err := tx.UserByID(ctx, t.UserID)
		if err != nil || !u.IsActive {
			return ErrInvalidToken
		}
		fresh, err := tx.RevokeAPIToken(ctx, t.ID, s.Now())
		if err != nil {
			return err
		}
		if !fresh || !t.RevokedAt.IsZero() {
			reused = true
			revoked, err = tx.RevokeTokenFamily(ctx, t.Family, s.Now())
			return err
		}
		pair, err = s.insertPair(ctx, tx, t.UserID, t.Family)
		return err
	})
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return TokenPair{}, ErrInvalidToken
		}
		return TokenPair{}, err
	}
	if reused {
		s.Log.Warn("refresh token reused; token family revoked")
		s.forgetHashes(ctx, tokenKey, revoked)
		return TokenPair{}, ErrInvalidToken
	}
	return pair, nil
}

// tokenInfo is the cached part of an access token.
type tokenInfo struct {
	UserID    int64
	Family    int64
	ExpiresAt time.Time
}

// Authenticated is who a bearer token belongs to.
type Authenticated struct {
	User   store.User
	Family int64 // the token family, so logout can revoke exactly this login
}

// UserForAccessToken resolves a bearer access token. Revoked tokens are removed from
// the cache when revoked, so a cached entry is always a valid one.
func (s *Service) UserForAccessToken(ctx context.Context, access string) (Authenticated, error) {
	if access == "" || len(access) > 100 {
		return Authenticated{}, ErrInvalidToken
	}
	hash := hashToken(access)
	info, err := cache.Load(ctx, s.Cache, tokenKey(hash), time.Minute, func(ctx context.Context) (tokenInfo, error) {
		t, err := s.DB.APITokenByHash(ctx, hash)
		if err != nil {
			return tokenInfo{}, err
		}
		if t.Kind != "access" || !t.RevokedAt.IsZero() {
			return tokenInfo{}, ErrInvalidToken
		}
		return tokenInfo{UserID: t.UserID, Family: t.Family, ExpiresAt: t.ExpiresAt}, nil
	})
	// Only what says the token is no good is ErrInvalidToken; a database or cache
	// failure (or a cancelled request) is returned as it is, so the caller does not
	// take a signed-in request for an anonymous one.
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, ErrInvalidToken) || err == nil && !s.Now().Before(info.ExpiresAt) {
		return Authenticated{}, ErrInvalidToken
	}
	if err != nil {
		return Authenticated{}, err
	}
	u, err := s.UserByID(ctx, info.UserID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !u.IsActive {
		return Authenticated{}, ErrInvalidToken
	}
	if err != nil {
		return Authenticated{}, err
	}
	return Authenticated{User: u, Family: info.Family}, nil
}

// RevokeFamily ends one API login (logout).
func (s *Service) RevokeFamily(ctx context.Context, family int64) error {
	var hashes [][]byte
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		hashes, err = tx.RevokeTokenFamily(ctx, family, s.Now())
		return err
	})
	s.forgetHashes(ctx, tokenKey, hashes)
	return err
}

// FamilyOfRefresh returns the family of a refresh token owned by userID, so logout
// can revoke the login named in its body; ok is false for any other token.
func (s *Service) FamilyOfRefresh(ctx context.Context, refresh string, userID int64) (int64, bool) {
	t, ok := s.liveRefresh(ctx, refresh)
	if !ok || t.UserID != userID {
		return 0, false
	}
	return t.Family, true
}

// RevokeRefresh ends the login of a valid (unexpired, unrevoked) refresh token; it is
// how a client whose access token has expired logs out. ok is false for any other token.
func (s *Service) RevokeRefresh(ctx context.Context, refresh string) (bool, error) {
	t, ok := s.liveRefresh(ctx, refresh)
	if !ok {
		return false, nil
	}
	return true, s.RevokeFamily(ctx, t.Family)
}

func (s *Service) liveRefresh(ctx context.Context, refresh string) (store.APIToken, bool) {
	if refresh == "" || len(refresh) > 100 {
		return store.APIToken{}, false
	}
	t, err := s.DB.APITokenByHash(ctx, hashToken(refresh))
	if err != nil || t.Kind != "refresh" || !t.RevokedAt.IsZero() || !s.Now().Before(t.ExpiresAt) {
		return store.APIToken{}, false
	}
	return t, true
}
