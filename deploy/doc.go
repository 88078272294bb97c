// Package deploy holds no code: this folder has the files that run E-Platform in
// production (a hardened systemd unit, Caddy and nginx examples; the Dockerfile is at
// the repository root). Its tests build the binary as the Dockerfile does and check
// every file against the real binary and, where installed, the real systemd-analyze,
// nginx and Caddy, so the examples cannot silently drift from the app.
package deploy
