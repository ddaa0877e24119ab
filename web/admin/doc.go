// Package admin is envoybot's web dashboard for the campaign's leading
// group: progress of every envoy against the campaign targets, charts drawn
// as inline SVG on the server, filtered lists (activities, lectures,
// volunteers, the outbox) and three actions (issue an invite code, confirm
// or correct service hours with an audited reason, broadcast a notice to a
// community's lecture subscribers through the outbox).
//
// Everything it serves is rendered with html/template from files embedded
// in the binary; no page or asset refers to another host, so the dashboard
// works on a network without internet.
//
// Authentication: accounts come from configs.Admin (bcrypt hashes, made by
// `envoybot admin passwd NAME`). A session is a random token kept in the
// shared store.Cache with the session TTL, so every replica accepts it; the
// cookie is HttpOnly, SameSite=Lax and Secure when the dashboard is served
// over HTTPS (admin.public_url https, or the request's own scheme without
// one), never with the development WeChat token. Every POST carries the session's CSRF token. Wrong
// passwords are counted per account and per client address in the cache;
// past LoginMaxFailures each further check there waits, 1 s doubling up to
// a minute (throttle in lockout.go); no account is ever locked.
//
// TODO(admin): admins bound in chat (store.RoleAdmin) cannot log in here
// yet. The plan is a one-time login link: the chat command (or a POST
// /admin/login-link naming the admin's OpenID) stores a short-lived random
// token in the cache and sends PublicURL+"/admin/login/link?t=TOKEN" to the
// admin in chat; GET on it trades the token (once, via Cache.Delete after
// Get) for a session whose Actor is the admin's OpenID, so that
// ConfirmHours and CreateInvite record them by id.
package admin
