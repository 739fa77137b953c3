/**
 * Varied ~2 KB messages for the store scenario, so that searches have realistic selectivity:
 * 1,000 recipients (about 0.1 % of the mail each), 25 senders, twelve kinds of mail
 * (verification codes, password resets, orders, invoices, newsletters, …) with subjects built
 * from a small vocabulary, bodies from kind-specific openings plus filler text, and about 15 %
 * with a small PDF attachment. Every message is derived from its index alone (a seeded
 * generator), so a run is reproducible and the client builds each message once, cheaply.
 */
import { dotStuff, envelopeBuffer, type MessageTemplate } from './mail.ts';

const FIRST = (
  'anna ben carla david emma felix greta hugo ines jonas karla leon mara nils olga paul quinn rosa ' +
  'sven tara uwe vera walter xenia yusuf zoe adam bella chris dora erik fiona george hanna ivan ' +
  'julia kevin lena mario nora'
).split(' ');
const LAST = (
  'schmidt meyer novak rossi garcia smith jones brown tanaka kim nguyen silva petrov larsen ' +
  'dubois moreau fischer weber wagner becker hoffmann schulz koch richter klein'
).split(' ');
const DOMAINS = ['example.test', 'mail.example.test', 'corp.example.test', 'home.example.test'];
const SERVICES = (
  'Acme Cloud,Brightbank,Cobalt Shop,Dune Travel,Ember Health,Fjord Mail,Granite Insurance,' +
  'Harbor Energy,Iris Photos,Juniper Books,Kite Rides,Lumen Learning,Maple Market,Nimbus Drive,' +
  'Orchid Music,Pepper Foods,Quartz Games,Riverbank Telecom,Sable Fitness,Tundra Outdoor,' +
  'Umber Housing,Velvet Fashion,Willow Pets,Yonder Tickets,Zephyr Bikes'
).split(',');
/** Filler and subject words; none starts with "veri", so `subject:veri` finds only the verification kinds. */
const VOCABULARY = (
  'project update budget quarter release planning roadmap customer support feature design review ' +
  'schedule team office garden weekend holiday travel summer winter spring autumn coffee lunch ' +
  'dinner recipe music concert ticket football tennis running cycling hiking mountain river lake ' +
  'city museum library school course lesson exam report data analysis chart metrics growth sales ' +
  'marketing campaign launch product service pricing discount offer member loyalty points reward ' +
  'delivery package warehouse shipping tracking return refund exchange warranty repair upgrade ' +
  'battery screen laptop phone tablet camera printer network router storage backup cloud security ' +
  'privacy settings profile password notification message calendar reminder event meeting agenda ' +
  'minutes action item deadline milestone sprint backlog ticket issue bug fix test deploy server ' +
  'database query index cache latency memory performance monitoring alert incident postmortem'
).split(' ');
/** The word the "broad" search looks for: in the openings of several kinds and often in filler. */
export const COMMON_WORD = 'account';

export interface CorpusTemplate extends MessageTemplate {
  /** All recipient addresses (the selective searches pick from these). */
  readonly recipients: readonly string[];
}

/** xorshift32 seeded from the index: the same message for the same index, in every run. */
function random(seed: number): () => number {
  let x = (seed * 2654435761) ^ 0x9e3779b9 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T;
const words = (n: number, r: () => number) => Array.from({ length: n }, () => pick(VOCABULARY, r)).join(' ');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface Kind {
  readonly weight: number;
  /** Chance of a PDF attachment. */
  readonly attachment: number;
  subject(service: string, first: string, n: number, r: () => number): string;
  opening(service: string, first: string, n: number, r: () => number): string;
}

const KINDS: readonly Kind[] = [
  {
    weight: 12,
    attachment: 0,
    subject: (_s, _f, n) => `Your verification code is ${String(n % 1_000_000).padStart(6, '0')}`,
    opening: (s, f, n) =>
      `Hi ${f}, use the code ${String(n % 1_000_000).padStart(6, '0')} to confirm your sign-in to ${s}. ` +
      `The code expires in 10 minutes. If you did not try to sign in, secure your ${COMMON_WORD} now.`,
  },
  {
    weight: 8,
    attachment: 0,
    subject: (s) => `Verify your email address for ${s}`,
    opening: (s, f, n) =>
      `Hi ${f}, thanks for creating a ${s} ${COMMON_WORD}. Confirm your address by opening ` +
      `https://${slug(s)}.example/verify?token=${n.toString(36)}x${(n * 7919).toString(36)} within 24 hours.`,
  },
  {
    weight: 8,
    attachment: 0,
    subject: (s) => `Reset your ${s} password`,
    opening: (s, f, n) =>
      `Hi ${f}, someone asked to reset the password of your ${s} ${COMMON_WORD}. Choose a new one at ` +
      `https://${slug(s)}.example/reset/${(n * 104729).toString(36)}. If it was not you, ignore this mail.`,
  },
  {
    weight: 12,
    attachment: 0,
    subject: (_s, _f, n) => `Your order #${100000 + (n % 900000)} has shipped`,
    opening: (s, f, n, r) =>
      `Hi ${f}, good news: your ${s} order #${100000 + (n % 900000)} (${words(3, r)}) is on its way ` +
      `and should arrive within ${2 + (n % 5)} days. Track the parcel in your order history.`,
  },
  {
    weight: 8,
    attachment: 1,
    subject: (s, _f, n) => `Invoice ${20260000 + (n % 10000)} from ${s}`,
    opening: (s, f, n) =>
      `Dear ${f}, please find attached invoice ${20260000 + (n % 10000)} for your ${s} ${COMMON_WORD}. ` +
      `The amount of ${(n % 500) + 10}.${String(n % 100).padStart(2, '0')} EUR will be charged on the 1st.`,
  },
  {
    weight: 15,
    attachment: 0,
    subject: (s, _f, _n, r) => `${s} newsletter: ${words(2, r)} and ${words(1, r)}`,
    opening: (s, _f, _n, r) => `This month at ${s}: ${words(6, r)}. Read on for ${words(4, r)}, and more.`,
  },
  {
    weight: 10,
    attachment: 0,
    subject: (_s, _f, _n, r) => `Weekly digest: ${words(2, r)}`,
    opening: (s, f, _n, r) => `Hello ${f}, here is what happened on ${s} this week: ${words(8, r)}.`,
  },
  {
    weight: 7,
    attachment: 0.5,
    subject: (_s, _f, _n, r) => `Meeting notes: ${words(2, r)} review`,
    opening: (_s, f, _n, r) =>
      `Hi all, ${f} here with the notes from today: ${words(10, r)}. Action items are below.`,
  },
  {
    weight: 6,
    attachment: 0,
    subject: (s, f) => `Welcome to ${s}, ${capital(f)}!`,
    opening: (s, f) =>
      `Welcome aboard, ${f}! Your ${s} ${COMMON_WORD} is ready. Here are three tips to get started.`,
  },
  {
    weight: 6,
    attachment: 0,
    subject: (s) => `New sign-in to your ${s} ${COMMON_WORD}`,
    opening: (s, f, n) =>
      `Hi ${f}, we noticed a new sign-in to your ${s} ${COMMON_WORD} from a device in ` +
      `${pick(['Berlin', 'Lisbon', 'Osaka', 'Toronto', 'Nairobi'], random(n))}. If this was you, no action is needed.`,
  },
  {
    weight: 4,
    attachment: 1,
    subject: (s, _f, n) => `Your receipt from ${s} #${(n * 31) % 100000}`,
    opening: (s, f, n) =>
      `Thanks for your purchase, ${f}. Your receipt #${(n * 31) % 100000} from ${s} is attached.`,
  },
  {
    weight: 4,
    attachment: 0,
    subject: (_s, _f, _n, r) => `Re: question about ${words(2, r)}`,
    opening: (_s, f, _n, r) =>
      `Hi ${f}, thanks for getting back to me. About ${words(5, r)}: ${words(9, r)}.`,
  },
];
const TOTAL_WEIGHT = KINDS.reduce((sum, k) => sum + k.weight, 0);

function slug(service: string): string {
  return service.toLowerCase().replace(/[^a-z]+/g, '');
}

/** Text wrapped into CRLF lines of at most 76 characters. */
function wrap(text: string): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 76) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out.map((l) => `${l}\r\n`).join('');
}

/** Filler texts (about 1,500 bytes each), shared by many messages. */
function fillers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const r = random(1_000_003 + i);
    const paragraphs: string[] = [];
    let length = 0;
    while (length < 1450) {
      // The common word in about a third of the filler texts.
      const sentence = `${capital(words(8 + Math.floor(r() * 8), r))}${r() < 0.02 ? ` ${COMMON_WORD}` : ''}.`;
      paragraphs.push(sentence);
      length += sentence.length + 1;
    }
    return wrap(paragraphs.join(' '));
  });
}

function attachments(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const r = random(2_000_003 + i);
    const raw = Buffer.from(Array.from({ length: 420 }, () => Math.floor(r() * 256)));
    const b64 = raw.toString('base64');
    let out = '';
    for (let k = 0; k < b64.length; k += 76) out += `${b64.slice(k, k + 76)}\r\n`;
    return out;
  });
}

/** `tag` keeps Message-IDs unique across runs. */
export function buildCorpus(tag: string): CorpusTemplate {
  const recipients = Array.from({ length: FIRST.length * LAST.length }, (_, i) => {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length)] as string;
    return `${first}.${last}@${DOMAINS[i % DOMAINS.length]}`;
  });
  const filler = fillers(256);
  const pdfs = attachments(16);
  const base = Date.UTC(2026, 10, 23, 12, 0, 0);

  interface Parts {
    readonly to: string;
    readonly head: string;
    readonly rest: string;
  }
  const build = (index: number): Parts => {
    const r = random(index + 1);
    const recipient = Math.floor(r() * recipients.length);
    const to = recipients[recipient] as string;
    const first = capital(FIRST[recipient % FIRST.length] as string);
    const last = capital(LAST[Math.floor(recipient / FIRST.length)] as string);
    const service = pick(SERVICES, r);
    let roll = r() * TOTAL_WEIGHT;
    let kind = KINDS[KINDS.length - 1] as Kind;
    for (const k of KINDS) {
      roll -= k.weight;
      if (roll < 0) {
        kind = k;
        break;
      }
    }
    const n = Math.floor(r() * 1e9);
    const head =
      `Message-ID: <${tag}.${index}@corpus.catchall.test>\r\n` +
      `Date: ${new Date(base - index * 37_000).toUTCString()}\r\n` +
      `From: "${service}" <noreply@${slug(service)}.example>\r\n` +
      `To: "${first} ${last}" <${to}>\r\n` +
      `Subject: ${kind.subject(service, first, n, r)}\r\n` +
      'MIME-Version: 1.0\r\n';
    const text = wrap(kind.opening(service, first, n, r)) + '\r\n' + pick(filler, r);
    let rest: string;
    if (r() < kind.attachment) {
      const boundary = `=_corpus_${index.toString(36)}`;
      const name = `document-${n % 100000}.pdf`;
      rest =
        `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}` +
        `--${boundary}\r\nContent-Type: application/pdf; name="${name}"\r\n` +
        `Content-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
        `${pick(pdfs, r)}--${boundary}--\r\n`;
    } else {
      rest = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${text}`;
    }
    return { to, head, rest };
  };

  // The load asks for envelope, head, rest and (after the 250) the size of one message in turn,
  // with other connections' messages in between: build each message once and keep it until then.
  const pending = new Map<number, Parts>();
  const parts = (index: number): Parts => {
    let p = pending.get(index);
    if (!p) {
      p = build(index);
      pending.set(index, p);
    }
    return p;
  };
  const sender = (index: number) => `bounce+${index}@corpus.catchall.test`;
  return {
    size: 2048,
    label: '~2 KB varied',
    kind: 'text',
    recipients,
    envelope: (index) => envelopeBuffer(sender(index), parts(index).to),
    head: (index) => Buffer.from(parts(index).head, 'utf8'),
    rest: (index) => Buffer.from(`${dotStuff(parts(index).rest)}.\r\n`, 'utf8'),
    storedSize: (index) => {
      const p = parts(index);
      pending.delete(index);
      return Buffer.byteLength(p.head) + Buffer.byteLength(p.rest);
    },
  };
}
