/**
 * Click-tracker unwrapping: the link a person clicks is often a tracker that redirects to the real
 * destination. Where the destination travels in the URL we return it, so a test can open the
 * verify/reset page directly:
 * - a query parameter holding a URL: Outlook Safe Links (`?url=`), Google (`/url?q=`), most
 *   redirectors (`redirect=`, `target=`, `dest=`, `u=`…);
 * - a URL-encoded path segment: Amazon SES (`awstrack.me/L0/https:%2F%2F…/1/…`);
 * - base64 of a URL in a parameter or path segment (`aHR0c…` is base64 of "http");
 * - base64 JSON holding the URL, on tracker paths: Mandrill (`track/click?p=`, JSON inside JSON),
 *   Substack (`/redirect/2/eyJ…`);
 * - Proofpoint URL Defense v3 (`urldefense.com/v3/__https://…__;…`).
 * Trackers that keep the destination server-side (SendGrid `ls/click?upn=`, Mailchimp
 * `track/click`, HubSpot, Mailgun `/c/`) stay as they are and are reported as opaque.
 */

export interface Unwrapped {
  url: string;
  /** A known tracker whose destination is not in the URL: it hides whatever token the target carries. */
  opaque: boolean;
}

const URL_PARAMS = [
  'url',
  'u',
  'redirect',
  'redirect_url',
  'redirecturl',
  'target',
  'dest',
  'destination',
  'link',
  'l',
  'q',
  'r',
  'to',
  'goto',
  'href',
  'out',
];
/** Auth endpoints carry return addresses (`?redirect=`, `?continue=`) that must not replace them. */
const AUTH_PATH =
  /verify|confirm|activat|reset|password|login|log-in|signin|sign-in|sign_in|auth|magic|callback|oauth|sso|token|invite/i;
/** Trackers whose destination cannot be read from the URL (hosts and paths as the ESPs document them). */
const OPAQUE_TRACKERS = [
  /\.ct\.sendgrid\.net$/i, // SendGrid click tracking, /ls/click?upn=
  /(^|\.)list-manage\.com$/i, // Mailchimp, /track/click?u=&id=&e=
  /(^|\.)hubspotlinks\.com$/i, // HubSpot, /Ctc/…
  /(^|\.)hs-sites\.com$/i,
  /(^|\.)mandrillapp\.com$/i, // Mandrill when p= cannot be read
  /(^|\.)awstrack\.me$/i,
  /(^|\.)mailgun\.org$/i,
  /(^|\.)sparkpostmail\.com$/i,
  /(^|\.)rs6\.net$/i, // Constant Contact
  /(^|\.)exct\.net$/i, // Salesforce Marketing Cloud
  /(^|\.)cmail\d+\.com$/i, // Campaign Monitor
  /(^|\.)createsend\d*\.com$/i,
  /(^|\.)mjt\.lu$/i, // Mailjet
  /(^|\.)klclick\d*\.com$/i, // Klaviyo
];
/** Tracking sub-domains and paths senders put on their own domains (Mailgun `email.`, SFMC `click.`). */
const TRACKER_HOST = /^(click|clicks|links?|trk|track|tracking|email|e|go|t|r|em|mail|url\d*)\./i;
const TRACKER_PATH =
  /^\/(ls\/click|track\/click|c\/|l\/|r\/|e3t\/|ctc\/|wf\/click|cl0\/|l0\/|redirect|click|trk)/i;
/** A URL inside text must end at characters no URL contains (JSON quotes, braces, spaces). */
const CLEAN_URL = /^https?:\/\/[^\s"'<>{}|\\^`]+$/i;

export function unwrapTracker(href: string): Unwrapped {
  let url = href;
  // 8 KiB is many times any real tracker URL (the corpus's longest, Safe Links, is under 700 characters).
  let parsed = href.length > 8192 ? null : parse(href);
  for (let depth = 0; depth < 3 && parsed; depth++) {
    const inner = destinationOf(url, parsed);
    if (!inner) break;
    url = inner;
    parsed = parse(inner);
  }
  return { url, opaque: parsed ? isTracker(parsed, true) : false };
}

function destinationOf(href: string, parsed: URL): string | null {
  const host = parsed.hostname;
  if (/(^|\.)urldefense\.com$/i.test(host)) {
    const m = /\/v3\/__(.+?)__;/.exec(href);
    if (m?.[1]) return absolute(m[1]);
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  // Amazon SES and others: a path segment that is itself an encoded URL.
  for (const segment of segments) {
    if (/^https?(:|%3a)/i.test(segment)) {
      const target = absolute(safeDecode(segment));
      if (target) return target;
    }
  }
  if (AUTH_PATH.test(parsed.pathname)) return null;
  for (const key of URL_PARAMS) {
    const target = absolute(parsed.searchParams.get(key) ?? '');
    if (target && parse(target)?.hostname !== host) return target;
  }
  // Base64 of "http" starts "aHR0c"; of '{"' starts "eyJ" (JSON, read only on tracker paths).
  const encoded = [...segments.map(safeDecode), ...parsed.searchParams.values()];
  for (const value of encoded) {
    if (value.startsWith('aHR0c')) return absolute(fromBase64(value));
  }
  if (!isTracker(parsed, false)) return null;
  for (const value of encoded) {
    if (value.startsWith('eyJ')) {
      const target = absolute(urlInJson(fromBase64(value.split('.')[0] ?? ''), 0));
      if (target) return target;
    }
  }
  return null;
}

/** The first http(s) string in a JSON document, looking into strings that are JSON themselves (Mandrill). */
function urlInJson(text: string, depth: number): string {
  if (depth > 2 || !text.startsWith('{')) return '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ''; // not JSON: nothing to read
  }
  if (typeof value !== 'object' || value === null) return '';
  for (const member of Object.values(value)) {
    if (typeof member !== 'string') continue;
    if (/^https?:\/\//i.test(member)) return member;
    const inner = urlInJson(member, depth + 1);
    if (inner) return inner;
  }
  return '';
}

/** A click tracker by host or path; `strict` asks for one whose target we could not read (opaque). */
function isTracker(parsed: URL, strict: boolean): boolean {
  if (OPAQUE_TRACKERS.some((re) => re.test(parsed.hostname))) return true;
  const trackerPath = TRACKER_PATH.test(parsed.pathname);
  return strict ? trackerPath && TRACKER_HOST.test(parsed.hostname) : trackerPath;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null; // relative or malformed
  }
}

/** An absolute http(s) URL, decoding one level of percent-encoding if needed, else null. */
function absolute(value: string): string | null {
  let v = value.trim();
  if (/^https?%3a/i.test(v)) v = safeDecode(v);
  return CLEAN_URL.test(v) && parse(v) ? v : null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed escapes: keep the text as it is
  }
}

/** base64 or base64url to text, or '' when the bytes are not printable ASCII. */
function fromBase64(value: string): string {
  // URLSearchParams turns a "+" of standard base64 into a space: turn it back.
  const b64 = value.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return '';
  const text = Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : '';
}
