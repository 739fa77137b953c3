/**
 * The mails of the auth flows (specs/auth.md), in English and Chinese: a fixed subject per kind and
 * locale, a text part and a small self-contained HTML part. Subjects never carry a name, code,
 * link or anything typed, so nothing a user submits can reach a header. Codes and reset links are
 * worded the way the inbox extractor (src/parse/extract.ts) and people read them: a code alone on
 * its line right after "verification code" / "验证码" with its lifetime; a link labelled as a
 * password reset. Notices name no number, time or link, so a QA suite can never mistake one for a
 * code mail (test/auth/auth-mail-templates.test.ts runs the extractor over every kind).
 */
export type AuthLocale = 'en' | 'zh';

export type AuthMail =
  | { kind: 'register_code'; name: string | null; code: string; minutes: number }
  | { kind: 'register_existing' }
  | { kind: 'register_unknown' }
  | { kind: 'login_code'; name: string | null; code: string; minutes: number }
  | { kind: 'login_unknown' }
  | { kind: 'reset_link'; name: string | null; link: string; minutes: number }
  | { kind: 'reset_unknown' }
  | { kind: 'password_changed'; name: string | null }
  | { kind: 'email_change_code'; name: string | null; code: string; minutes: number }
  | { kind: 'email_change_unavailable' }
  | { kind: 'email_change_requested'; newAddress: string }
  | { kind: 'email_changed'; newAddress: string };

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** One piece of a body; text is plain (escaped when it goes into HTML). */
type Block = { p: string } | { code: string } | { link: string; label: string };

interface Content {
  subject: string;
  blocks: Block[];
}

export function renderAuthMail(locale: AuthLocale, mail: AuthMail, product = 'catchall'): RenderedMail {
  const content = locale === 'zh' ? zh(mail, product) : en(mail, product);
  const footer = locale === 'zh' ? `此邮件由 ${product} 发送。` : `This email was sent by ${product}.`;
  return {
    subject: content.subject,
    text: renderText(locale, content.blocks, footer),
    html: renderHtml(locale, content, footer),
  };
}

function en(mail: AuthMail, product: string): Content {
  const hello = (name: string | null): Block => {
    const shown = greetingName(name);
    return { p: shown ? `Hello ${shown},` : 'Hello,' };
  };
  const expires = (what: string, minutes: number): Block => ({
    p: `${what} expires in ${duration('en', minutes)}. Do not share it with anyone.`,
  });
  const ignore = (what: string): Block => ({ p: `If you did not ${what}, you can ignore this email.` });
  switch (mail.kind) {
    case 'register_code':
      return {
        subject: 'Your verification code',
        blocks: [
          hello(mail.name),
          { p: `Use this verification code to finish creating your ${product} account:` },
          { code: mail.code },
          expires('The code', mail.minutes),
          ignore('try to create an account'),
        ],
      };
    case 'register_existing':
      return {
        subject: 'You already have an account',
        blocks: [
          hello(null),
          {
            p: `Someone tried to create a ${product} account with this email address, but you already have an account.`,
          },
          { p: 'If it was you, sign in, or reset your password from the sign-in page if you forgot it.' },
          { p: 'If it was not you, you can ignore this email; nothing has changed.' },
        ],
      };
    case 'register_unknown':
      return {
        subject: 'No registration to complete',
        blocks: [
          hello(null),
          {
            p: `Someone asked to resend a verification email for this address, but no ${product} registration is waiting for it.`,
          },
          { p: 'If you want an account, please sign up again. Otherwise you can ignore this email.' },
        ],
      };
    case 'login_code':
      return {
        subject: 'Your sign-in code',
        blocks: [
          hello(mail.name),
          { p: `Use this sign-in code to finish signing in to ${product}:` },
          { code: mail.code },
          expires('The code', mail.minutes),
          ignore('try to sign in'),
        ],
      };
    case 'login_unknown':
      return {
        subject: 'No account for this address',
        blocks: [
          hello(null),
          {
            p: `Someone asked to sign in to ${product} with this email address, but no account exists for this address.`,
          },
          {
            p: 'If it was you, check the address or create an account. Otherwise you can ignore this email.',
          },
        ],
      };
    case 'reset_link':
      return {
        subject: 'Reset your password',
        blocks: [
          hello(mail.name),
          {
            p: `We received a request to reset the password of your ${product} account. Use this link to choose a new one:`,
          },
          { link: mail.link, label: 'Reset your password' },
          {
            p: `The link expires in ${duration('en', mail.minutes)} and works once. Do not share it with anyone.`,
          },
          {
            p: 'If you did not ask to reset your password, you can ignore this email; your password stays the same.',
          },
        ],
      };
    case 'reset_unknown':
      return {
        subject: 'Password reset request',
        blocks: [
          hello(null),
          {
            p: `Someone asked to reset the ${product} password for this email address, but no account exists for this address.`,
          },
          { p: 'If you want an account, please sign up. Otherwise you can ignore this email.' },
        ],
      };
    case 'password_changed':
      return {
        subject: 'Your password was changed',
        blocks: [
          hello(mail.name),
          { p: `The password of your ${product} account was changed.` },
          { p: 'If you did this, there is nothing else to do.' },
          {
            p: 'If you did not, reset your password right away from the sign-in page and review your account.',
          },
        ],
      };
    case 'email_change_code':
      return {
        subject: 'Confirm your new email address',
        blocks: [
          hello(mail.name),
          {
            p: `Use this verification code to confirm this address as the new email address of your ${product} account:`,
          },
          { code: mail.code },
          expires('The code', mail.minutes),
          ignore('ask to change your email address'),
        ],
      };
    case 'email_change_unavailable':
      return {
        subject: 'Email address not available',
        blocks: [
          hello(null),
          {
            p: `Someone asked to use this email address for a ${product} account, but it already belongs to another account, so it was not changed.`,
          },
          {
            p: 'If both accounts are yours, sign in with this address instead. Otherwise you can ignore this email.',
          },
        ],
      };
    case 'email_change_requested':
      return {
        subject: 'Email address change requested',
        blocks: [
          hello(null),
          {
            p: `Someone asked to change the email address of your ${product} account to ${mail.newAddress}.`,
          },
          { p: 'Nothing changes until the new address is confirmed, and until then mail keeps coming here.' },
          {
            p: 'If this was you, there is nothing else to do. If not, sign in and change your password right away.',
          },
        ],
      };
    case 'email_changed':
      return {
        subject: 'Your email address was changed',
        blocks: [
          hello(null),
          {
            p: `The email address of your ${product} account was changed to ${mail.newAddress}. Account emails now go there.`,
          },
          { p: `If you did not make this change, contact the administrator of ${product} right away.` },
        ],
      };
  }
}

function zh(mail: AuthMail, product: string): Content {
  const hello = (name: string | null): Block => {
    const shown = greetingName(name);
    return { p: shown ? `${shown}，您好：` : '您好：' };
  };
  const expires = (minutes: number): Block => ({
    p: `验证码${duration('zh', minutes)}内有效，请勿告诉他人。`,
  });
  const ignore: Block = { p: '如果这不是您本人的操作，请忽略此邮件。' };
  switch (mail.kind) {
    case 'register_code':
      return {
        subject: '您的注册验证码',
        blocks: [
          hello(mail.name),
          { p: `请使用以下验证码完成 ${product} 账号注册：` },
          { code: mail.code },
          expires(mail.minutes),
          ignore,
        ],
      };
    case 'register_existing':
      return {
        subject: '您已有账号',
        blocks: [
          hello(null),
          { p: `有人尝试使用此邮箱地址注册 ${product} 账号，但该地址已经有账号了。` },
          { p: '如果是您本人，请直接登录；如果忘记了密码，可以在登录页面重置密码。' },
          { p: '如果不是您本人，请忽略此邮件，您的账号没有任何变化。' },
        ],
      };
    case 'register_unknown':
      return {
        subject: '没有待完成的注册',
        blocks: [
          hello(null),
          { p: `有人请求为此邮箱地址重新发送注册邮件，但此地址没有待完成的 ${product} 注册。` },
          { p: '如需创建账号，请重新注册；否则请忽略此邮件。' },
        ],
      };
    case 'login_code':
      return {
        subject: '您的登录验证码',
        blocks: [
          hello(mail.name),
          { p: `请使用以下验证码登录 ${product}：` },
          { code: mail.code },
          expires(mail.minutes),
          ignore,
        ],
      };
    case 'login_unknown':
      return {
        subject: '此地址没有账号',
        blocks: [
          hello(null),
          { p: `有人请求使用此邮箱地址登录 ${product}，但此地址没有对应的账号。` },
          { p: '如果是您本人，请检查邮箱地址或先注册账号；否则请忽略此邮件。' },
        ],
      };
    case 'reset_link':
      return {
        subject: '重置您的密码',
        blocks: [
          hello(mail.name),
          { p: `我们收到了重置您 ${product} 账号密码的请求。请点击下面的链接设置新密码：` },
          { link: mail.link, label: '重置密码' },
          { p: `链接${duration('zh', mail.minutes)}内有效，只能使用一次，请勿转发给他人。` },
          { p: '如果您没有申请重置密码，请忽略此邮件，您的密码不会改变。' },
        ],
      };
    case 'reset_unknown':
      return {
        subject: '密码重置请求',
        blocks: [
          hello(null),
          { p: `有人请求重置此邮箱地址的 ${product} 密码，但此地址没有对应的账号。` },
          { p: '如需使用，请先注册账号；否则请忽略此邮件。' },
        ],
      };
    case 'password_changed':
      return {
        subject: '您的密码已更改',
        blocks: [
          hello(mail.name),
          { p: `您 ${product} 账号的密码已更改。` },
          { p: '如果是您本人操作，无需任何处理。' },
          { p: '如果不是您本人，请立即在登录页面重置密码并检查您的账号。' },
        ],
      };
    case 'email_change_code':
      return {
        subject: '确认您的新邮箱地址',
        blocks: [
          hello(mail.name),
          { p: `请使用以下验证码，确认将此地址设为您 ${product} 账号的新邮箱地址：` },
          { code: mail.code },
          expires(mail.minutes),
          ignore,
        ],
      };
    case 'email_change_unavailable':
      return {
        subject: '无法使用此邮箱地址',
        blocks: [
          hello(null),
          { p: `有人请求将此邮箱地址用于一个 ${product} 账号，但此地址已属于另一个账号，因此未作更改。` },
          { p: '如果两个账号都是您的，请改用此地址登录；否则请忽略此邮件。' },
        ],
      };
    case 'email_change_requested':
      return {
        subject: '邮箱地址更改请求',
        blocks: [
          hello(null),
          { p: `有人请求将您 ${product} 账号的邮箱地址更改为 ${mail.newAddress}。` },
          { p: '新地址确认之前不会有任何更改，账号邮件仍发送到此地址。' },
          { p: '如果是您本人操作，无需任何处理；如果不是，请立即登录并修改密码。' },
        ],
      };
    case 'email_changed':
      return {
        subject: '您的邮箱地址已更改',
        blocks: [
          hello(null),
          { p: `您 ${product} 账号的邮箱地址已更改为 ${mail.newAddress}，今后的账号邮件将发送到新地址。` },
          { p: `如果这不是您本人的操作，请立即联系 ${product} 的管理员。` },
        ],
      };
  }
}

/**
 * "10 minutes", or whole hours from two hours up ("24 hours" for a 1,440-minute reset link): a
 * four-digit minute count would read like a code.
 */
function duration(locale: AuthLocale, minutes: number): string {
  const hours = minutes >= 120 && minutes % 60 === 0 ? minutes / 60 : null;
  if (locale === 'zh') return hours === null ? ` ${minutes} 分钟` : ` ${hours} 小时`;
  if (hours !== null) return `${hours} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function renderText(locale: AuthLocale, blocks: readonly Block[], footer: string): string {
  const parts = blocks.map((block) => {
    if ('code' in block) return block.code;
    if ('link' in block) return `${block.label}${locale === 'zh' ? '：' : ':'}\n${block.link}`;
    return oneLine(block.p);
  });
  return `${[...parts, footer].join('\n\n')}\n`;
}

/** Inline styles only (single quotes inside, as they sit in double-quoted attributes): mail clients drop <style> blocks and external resources unevenly. */
const STYLE = {
  body: "margin:0;padding:24px;background-color:#f4f4f5;color:#18181b;font-family:Arial,Helvetica,'PingFang SC','Microsoft YaHei',sans-serif;font-size:16px;line-height:24px",
  card: 'max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px',
  p: 'margin:0 0 16px',
  code: 'margin:0 0 16px;font-family:Menlo,Consolas,monospace;font-size:32px;line-height:40px;font-weight:bold;letter-spacing:6px',
  button:
    'display:inline-block;padding:12px 20px;background-color:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold',
  footer: 'margin:24px 0 0;font-size:12px;line-height:18px;color:#71717a',
};

function renderHtml(locale: AuthLocale, content: Content, footer: string): string {
  const body = content.blocks.map((block) => {
    if ('code' in block) return `<p style="${STYLE.code}">${escapeHtml(block.code)}</p>`;
    if ('link' in block) {
      const anchor = `<a href="${escapeHtml(block.link)}" style="${STYLE.button}">${escapeHtml(block.label)}</a>`;
      return `<p style="${STYLE.p}">${anchor}</p>`;
    }
    return `<p style="${STYLE.p}">${escapeHtml(oneLine(block.p))}</p>`;
  });
  return [
    '<!DOCTYPE html>',
    `<html lang="${locale === 'zh' ? 'zh-CN' : 'en'}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    `<div style="${STYLE.card}">`,
    ...body,
    `<p style="${STYLE.footer}">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The name to greet, or null for a neutral greeting (no name, or nothing printable in it). */
function greetingName(name: string | null): string | null {
  const shown = name === null ? '' : oneLine(name).trim();
  return shown === '' ? null : shown;
}

/**
 * Names and addresses arrive validated, but a template must not depend on that: a control
 * character or line separator in one would break the line it sits on, so it becomes a space.
 */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in double-quoted attributes alike. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
