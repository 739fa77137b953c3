#!/bin/sh
# The whole auth API from a shell, with curl and POSIX tools only (no jq): register, verify with
# the mailed code, read the session, log out, log in with a mailed code, reset the password from
# the mailed link, then log in with the new password while the old one fails. Codes and links are
# read from catchall's own inbox, exactly as a QA suite would.
#
#   npm start -- --auth-harness                  # in one terminal
#   sh examples/auth-flow.sh                     # in another
#   CATCHALL_URL=http://127.0.0.1:9025 sh examples/auth-flow.sh
#
# It prints one line per step and exits non-zero at the first unexpected HTTP status, showing the
# answer.
#
# Per-IP limits: each run makes three mail-sending requests, and a client IP may make 5 at once
# (refilled by one every 2 minutes), so a second run from the same IP within minutes would get
# 429 rate_limited. With --auth-harness, the X-Harness-Client-Ip header below gives every run an
# IP of its own; without harness mode the header is ignored and the real IP counts.
#
# Sessions: POST /auth/register/verify and the logins set the cookie `__Host-session`, which is
# Secure. curl keeps Secure cookies in a jar (-c/-b) and sends them back over plain http only to
# localhost, 127.0.0.1 and [::1] (which curl, like browsers, has treated as secure since 2021);
# for any other http host (a LAN address, a container name) or with an older curl the cookie is
# silently dropped. So this script uses the token transport, which works everywhere: it sends
# `X-Session-Transport: token` when it logs in, gets the token in the JSON answer
# (`session.token`, no cookie is set), and sends `Authorization: Bearer <token>` afterwards.
set -eu

BASE=${CATCHALL_URL:-http://127.0.0.1:8025}
BASE=${BASE%/}
PASSWORD='tangerine-orbit-velvet-42'
NEW_PASSWORD='marble-canyon-lantern-77'
NOW=$(date +%s)
EMAIL="demo-$NOW-$$@example.test"
CLIENT_IP="10.$(($$ % 256)).$((NOW % 256)).$((($$ / 256) % 254 + 1))"

WORK="${TMPDIR:-/tmp}/auth-flow.$$"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
BODY="$WORK/body"
: >"$BODY"

# fail MESSAGE: print it and the last answer, then stop.
fail() {
  echo "FAILED: $1" >&2
  if [ -s "$BODY" ]; then
    cat "$BODY" >&2
    echo >&2
  fi
  exit 1
}

# expect WANT GOT WHAT: stop unless the HTTP status is the expected one.
expect() {
  [ "$2" = "$1" ] || fail "$3: expected HTTP $1, got $2"
}

# post PATH WANT JSON [curl args...]: POST JSON to /auth/PATH; the answer lands in $BODY.
post() {
  path=$1 want=$2 json=$3
  shift 3
  status=$(curl -s -o "$BODY" -w '%{http_code}' -X POST "$BASE/auth/$path" \
    -H 'Content-Type: application/json' -H "X-Harness-Client-Ip: $CLIENT_IP" "$@" \
    --data-binary "$json") || status=000
  expect "$want" "$status" "POST /auth/$path"
}

# get PATH WANT [curl args...]: GET PATH (relative to the base URL); the answer lands in $BODY.
get() {
  path=$1 want=$2
  shift 2
  status=$(curl -s -o "$BODY" -w '%{http_code}' "$@" "$BASE/$path") || status=000
  expect "$want" "$status" "GET /$path"
}

# field NAME: the first string value of "NAME" in $BODY (good enough for codes, tokens, URLs).
field() {
  tr ',{}[]' '\n\n\n\n\n' <"$BODY" | sed -n "s/^\"$1\":\"\\([^\"]*\\)\"\$/\\1/p" | head -n 1
}

# newest_mail: the codes and links of the newest mail to $EMAIL, waiting up to 10 s for one. The
# auth API answers only after catchall's SMTP server has stored the mail, so the newest mail to
# the address is always the one the last request sent.
newest_mail() {
  status=$(curl -s -o "$BODY" -w '%{http_code}' -G "$BASE/api/v1/message/latest/extract" \
    --data-urlencode "query=to:$EMAIL" --data-urlencode 'wait=10s') || status=000
  expect 200 "$status" "GET /api/v1/message/latest/extract"
}

step() {
  printf '%s\n' "$*"
}

step "auth flow against $BASE as $EMAIL"

post register 202 "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Demo\"}"
step "1. register: 202 $(field status)"

newest_mail
CODE=$(field Value)
[ -n "$CODE" ] || fail "no code in the newest mail to $EMAIL"
step "2. code from the inbox: $CODE"

post register/verify 201 "{\"email\":\"$EMAIL\",\"code\":\"$CODE\"}" -H 'X-Session-Transport: token'
TOKEN=$(field token)
[ -n "$TOKEN" ] || fail "no session token in the answer"
step "3. register/verify: 201, signed in as $(field email)"

get auth/session 200 -H "Authorization: Bearer $TOKEN"
step "4. session: 200, expires $(field expiresAt)"

post logout 204 '{}' -H "Authorization: Bearer $TOKEN"
step "5. logout: 204"

get auth/session 401 -H "Authorization: Bearer $TOKEN"
step "6. session after logout: 401 $(field code)"

post login/code 202 "{\"email\":\"$EMAIL\"}"
step "7. login/code: 202 $(field status)"

newest_mail
CODE=$(field Value)
[ -n "$CODE" ] || fail "no code in the newest mail to $EMAIL"
step "8. sign-in code from the inbox: $CODE"

post login/code/verify 200 "{\"email\":\"$EMAIL\",\"code\":\"$CODE\"}" -H 'X-Session-Transport: token'
TOKEN=$(field token)
[ -n "$TOKEN" ] || fail "no session token in the answer"
step "9. login/code/verify: 200"

post password/forgot 202 "{\"email\":\"$EMAIL\"}"
step "10. password/forgot: 202 $(field status)"

newest_mail
LINK=$(tr '{}' '\n\n' <"$BODY" | grep '"Kind":"reset"' | head -n 1 | sed 's/.*"URL":"\([^"]*\)".*/\1/') || true
RESET=$(printf '%s' "$LINK" | sed -n 's/.*#token=//p')
[ -n "$RESET" ] || fail "no reset link with #token= in the newest mail to $EMAIL"
step "11. reset link from the inbox: $LINK"

post password/reset/check 200 "{\"token\":\"$RESET\"}"
step "12. password/reset/check: 200, valid until $(field expiresAt)"

post password/reset 204 "{\"token\":\"$RESET\",\"newPassword\":\"$NEW_PASSWORD\"}"
step "13. password/reset: 204"

get auth/session 401 -H "Authorization: Bearer $TOKEN"
step "14. session from step 9 after the reset: 401 $(field code)"

post login 200 "{\"email\":\"$EMAIL\",\"password\":\"$NEW_PASSWORD\"}" -H 'X-Session-Transport: token'
step "15. login with the new password: 200"

post login 401 "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" -H 'X-Session-Transport: token'
step "16. login with the old password: 401 $(field code)"

step "all steps passed"
