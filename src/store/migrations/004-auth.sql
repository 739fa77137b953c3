-- The auth API's state (specs/auth.md "Storage"). Secrets are never stored: codes as
-- HMAC-SHA-256, reset and session tokens as SHA-256, passwords as scrypt strings.
-- email_key is the lower-cased canonical address; times are ms since the epoch (the auth clock).

CREATE TABLE auth_users (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL UNIQUE,
  name TEXT,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- A registration waiting for its mailed code: no user exists until the code is verified.
CREATE TABLE auth_pending (
  email_key TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- One active code per (purpose, subject): subject is the email key for register and login, and
-- "user:<public id>" for an email change. code_mac NULL is a phantom (an address with no
-- account got a notice instead): it matches nothing but counts attempts like a real code.
-- exhausted = 1: the code took its wrong tries and is gone; later tries get 429.
CREATE TABLE auth_codes (
  purpose TEXT NOT NULL,
  subject TEXT NOT NULL,
  code_mac BLOB,
  email_key TEXT NOT NULL,
  new_email TEXT,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  exhausted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (purpose, subject)
) STRICT, WITHOUT ROWID;

-- One active reset token per user: a new request replaces it.
CREATE TABLE auth_reset_tokens (
  user_id INTEGER PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE auth_sessions (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  token_hash BLOB NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

-- Rate-limit state, keyed on what was submitted (email key, client IP), never on a user row.
-- Rolling windows: one row per counted event.
CREATE TABLE auth_hits (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX auth_hits_key ON auth_hits (scope, key, at);

-- Consecutive failures (reset by a success) and blocks.
CREATE TABLE auth_counters (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;

-- Token buckets (mail-sending requests per client IP).
CREATE TABLE auth_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The audit trail (harness mode shows it at /auth/_harness/events).
CREATE TABLE auth_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  email_key TEXT,
  ip TEXT,
  detail TEXT
) STRICT;
