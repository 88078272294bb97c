package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/auth"
)

// ErrTooSlow is returned by Client.Send when the socket's send buffer was full: the
// socket is being closed with 1008 "too slow".
var ErrTooSlow = errors.New("live: client too slow, disconnected")

// Client is one open socket (one browser tab) of a signed-in user.
type Client struct {
	hub         *Hub
	conn        *websocket.Conn
	id          auth.Identity
	connectedAt time.Time
	ctx         context.Context
	cancel      context.CancelFunc

	send chan []byte

	stopOnce    sync.Once
	stop        chan struct{} // closed by kick: the writer closes the socket
	closeCode   websocket.StatusCode
	closeReason string
	writerDone  chan struct{}

	first bool   // set by Hub.add before the client is shared
	seq   uint64 // set by Hub.add: higher is newer

	// guarded by hub.mu
	removed, last, accepted bool
}

// UserID returns the id of the socket's user.
func (c *Client) UserID() int64 { return c.id.User.ID }

// Identity returns who opened the socket, as authenticated at the upgrade.
func (c *Client) Identity() auth.Identity { return c.id }

// Context is cancelled when the socket closes. It carries the upgrade request's
// values, the identity included (auth.FromContext).
func (c *Client) Context() context.Context { return c.ctx }

// ConnectedAt returns when the socket was accepted.
func (c *Client) ConnectedAt() time.Time { return c.connectedAt }

// FirstForUser reports whether the user had no other open socket on this process when
// this one connected (the counterpart of OnDisconnect's lastForUser).
func (c *Client) FirstForUser() bool { return c.first }

// Room is how many more frames the socket's buffer takes before Send drops it: a
// sender of a backlog paces itself by it.
func (c *Client) Room() int { return cap(c.send) - len(c.send) }

// Send queues v, encoded as JSON, for this socket only. It never blocks: when the
// socket's buffer is full the socket is closed and ErrTooSlow returned; after the
// socket closed it returns ErrClosed.
func (c *Client) Send(v any) error {
	frame, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("live: encode frame: %w", err)
	}
	return c.enqueue(frame)
}

func (c *Client) sendError(msg string) {
	_ = c.Send(errorFrame{Type: "error", Message: msg}) // a client too slow for it is being dropped anyway
}

// enqueue hands frame to the writer without blocking. A client that does not keep up
// is dropped rather than allowed to hold up the broker's delivery to everyone else; it
// reconnects and recovers what it missed from the database.
func (c *Client) enqueue(frame []byte) error {
	select {
	case <-c.stop:
		return ErrClosed
	default:
	}
	select {
	case c.send <- frame:
		return nil
	default:
		c.kick(websocket.StatusPolicyViolation, "too slow")
		return ErrTooSlow
	}
}

// kick asks the writer to close the socket with code and reason; the first call wins.
// It never blocks, so it may be called under the hub's lock. The client leaves the
// registry at once (from another goroutine, as the caller may hold the lock), so that
// Online and Sockets do not wait for a stuck peer's close handshake.
func (c *Client) kick(code websocket.StatusCode, reason string) {
	c.stopOnce.Do(func() {
		c.closeCode, c.closeReason = code, reason
		close(c.stop)
		go c.hub.remove(c)
	})
}

// writeLoop is the only goroutine that writes frames to the socket. It also pings,
// and it closes the socket when kicked.
func (c *Client) writeLoop() {
	defer close(c.writerDone)
	defer c.cancel() // ends the read loop if the socket is still open

	ping := time.NewTicker(c.hub.pingInterval)
	defer ping.Stop()
	alive := true
	for alive {
		select {
		case <-c.stop:
			c.hub.remove(c)
			_ = c.conn.Close(c.closeCode, c.closeReason) // closing: a peer that is already gone is fine
			return
		default:
		}
		select {
		case <-c.stop:
		case frame := <-c.send:
			ctx, cancel := context.WithTimeout(c.ctx, writeTimeout)
			err := c.conn.Write(ctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.hub.log.Debug("live: write failed", "user", c.UserID(), "err", err)
				alive = false
			}
		case <-ping.C:
			// The pong is read by the read loop; a peer that has not answered by the
			// next ping is gone (or has stopped reading, which is the same to us).
			ctx, cancel := context.WithTimeout(c.ctx, c.hub.pingInterval)
			err := c.conn.Ping(ctx)
			cancel()
			if err != nil {
				c.hub.log.Debug("live: ping failed", "user", c.UserID(), "err", err)
				alive = false
			}
		}
	}
	// The peer is unreachable: a close handshake would only wait for it.
	c.kick(websocket.StatusGoingAway, "")
	c.hub.remove(c)
	_ = c.conn.CloseNow() // closing: a peer that is already gone is fine
}
