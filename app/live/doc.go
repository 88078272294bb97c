// Package live carries realtime updates to browsers and API clients over WebSockets:
// notifications, unread counts, chat messages, typing, read receipts and presence.
//
// # Broker and hub
//
// Two pieces with one job each:
//
//   - A [Broker] moves frames between processes. It knows nothing of sockets: Publish
//     sends bytes with a [Target] (some users, or everyone), Subscribe receives what
//     every process published. [MemoryBroker] is the default for a single process;
//     [RedisBroker] uses Redis pub/sub so that two processes behind one load balancer
//     serve one conversation. Both pass the conformance suite in package livetest.
//   - A [Hub] owns this process's sockets. [Hub.ServeHTTP] upgrades a request and
//     registers the socket under its user; [Hub.Run] subscribes to the broker and hands
//     each frame to the local sockets of its target. Features never look for sockets:
//     they call [Hub.Send] or [Hub.Broadcast], which always go through the broker, so
//     the same code works with one process or ten, and every tab of a user receives.
//
// Client→server frames are JSON objects with a "type", dispatched to the [Handler]
// registered with [Hub.Handle]. The hub answers "ping" itself, and answers bad JSON, a
// missing type, an unknown type and failed handlers with {"type":"error","message":...}
// while keeping the socket open. Frames of one socket are handled in order.
//
// # Security, fixing the original
//
// Only signed-in users connect (401 otherwise, before the upgrade); the notification
// path /ws/notifications/{user_id}/ only serves the caller's own id (the original served
// anyone's stream to anyone); the Origin must be the site itself or an allowed host
// pattern, so another site cannot open a socket with the visitor's cookie. Frames larger
// than [ReadLimit] close the socket with 1009. Unknown types are echoed back cut to 50
// characters and HTML-escaped. [Hub.Disconnect] closes a user's sockets on every process
// when their sessions end.
//
// # Bounded buffers, slow clients dropped
//
// Each socket has one writer goroutine fed by a buffer of [Options].SendBuffer frames.
// Delivery from the broker never waits for a socket: when a buffer is full the socket
// is closed with 1008 "too slow" (as the Memos SSE hub does). The alternative, waiting,
// would let one phone on a bad network stall delivery to everybody and grow memory
// without bound. The server pings every [Options].PingInterval and closes a peer that
// has not answered by the next ping, so dead connections do not pile up behind NATs.
//
// # Sockets per user
//
// One user may hold [Options].MaxSocketsPerUser sockets on a process (20 by default).
// When a new socket is accepted beyond that, the user's oldest is closed with
// [StatusTooManyTabs] (4008) "too many open tabs"; the page does not reconnect on that
// code until the tab is looked at again, so two tabs never take turns closing each
// other. The new socket is registered before the old one closes, so presence does not
// flicker. Only sockets whose handshake succeeded count: a refused upgrade (a foreign
// Origin) cannot close a tab. What a feature sends on connect goes to the new socket
// alone ([Client.Send]); sending it to every tab of the user made a user's frames grow
// with the square of their tabs.
//
// # Missed events come from the database
//
// Delivery is best effort: frames for a socket that is reconnecting, was dropped as too
// slow, lives behind a Redis connection that blipped, or was not open yet are gone. The
// hub does not replay anything. The database is the truth, and each feature recovers on
// connect, in its [Hub.OnConnect] hook: the notification feature sends the current
// unread count, chat delivers pending messages (and marks them delivered), and the
// pages fetch what they show over HTTP when the socket (re)opens.
//
// # Presence
//
// [Hub.Online] and OnDisconnect's lastForUser describe this process only. Presence across
// processes (a user is online while any tab anywhere is open) belongs in shared state
// kept by the hooks, for example a per-user count in the database or Redis.
package live
