import { buildMatcher, wordList } from './extract-matcher.ts';
import type { LinkKind } from './extract-types.ts';

/**
 * What a link is for, from its anchor text (or the line around a bare URL) and from its URL, in the
 * same languages as the code keywords. Matching order decides conflicts: unsubscribe, then reset,
 * then login, then verify ("Confirm password reset" resets, "Confirm sign-in" logs in,
 * "Confirm unsubscribe" unsubscribes).
 */
export type ActionWord = Exclude<LinkKind, 'other'>;
export const KIND_ORDER: readonly ActionWord[] = ['unsubscribe', 'reset', 'login', 'verify'];

const UNSUBSCRIBE = wordList(`
  unsubscribe|opt out|opt-out|manage preferences|email preferences|update your preferences
  update preferences|subscription preferences|update subscription preferences|manage subscriptions
  stop receiving|abmelden|abbestellen|newsletter abbestellen|désabonner|se désabonner|désinscrire
  se désinscrire|désinscription|darse de baja|dar de baja|cancelar suscripción|descadastrar
  cancelar inscrição|disiscriviti|annulla iscrizione|afmelden|uitschrijven|wypisz|отписаться|отписка
  abonelikten çık|avregistrera|avslutt abonnement|退订|退訂|取消订阅|取消訂閱|配信停止|購読解除|수신거부|수신 거부
`);
const RESET = wordList(`
  reset|reset password|forgot|forgot password|change password|new password|set password
  choose a new password|password|recover|recovery|passwort zurücksetzen|passwort|kennwort|réinitialiser
  mot de passe|restablecer|contraseña|redefinir|senha|reimposta|wachtwoord|hasło|haslo|сбросить|сброс
  пароль|şifre*|lösenord|passord|salasana|重置|重设|重設|密码|密碼|パスワード|再設定|비밀번호|재설정
`);
const LOGIN = wordList(`
  log in|login|sign in|magic link|magic-link|one-click login|anmelden|einloggen|se connecter|connexion
  iniciar sesión|inicia sesión|iniciar sessão|accedi|accesso|inloggen|log in|zaloguj|войти|вход
  giriş yap|logga in|logg inn|kirjaudu|登录|登入|登錄|ログイン|로그인
`);
const VERIFY = wordList(`
  verify|verification|confirm|confirmation|activate|activation|validate|subscribe me|bestätigen
  bestätige|verifizieren|aktivieren|freischalten|confirmer|vérifier|valider|activer|confirmar|verificar
  activar|validar|ativar|conferma|verifica|attiva|bevestig|bevestigen|verifieer|activeer|activeren
  potwierdź|potwierdz|aktywuj|zweryfikuj|подтвердить|подтвердите|активировать|подтверждение|doğrula
  onayla|etkinleştir|bekräfta|aktivera|verifiera|bekreft|vahvista|验证|驗證|确认|確認|激活|啟用|認証|有効化|本登録|인증|확인|활성화
`);

export const linkWords = buildMatcher<ActionWord>({
  unsubscribe: UNSUBSCRIBE,
  reset: RESET,
  login: LOGIN,
  verify: VERIFY,
});

/** URL fragments (path and query keys) per kind; matched as substrings of the lower-cased URL. */
export const URL_WORDS: Readonly<Record<ActionWord, readonly string[]>> = {
  unsubscribe: wordList(
    'unsubscribe|unsub|optout|opt-out|opt_out|preferences|abmelden|desinscri|desabonn|email-unsubscribe',
  ),
  reset: wordList(
    'reset|password|forgot|recover|passwort|mot-de-passe|reinitialiser|contrasena|senha|wachtwoord',
  ),
  login: wordList('login|log-in|signin|sign-in|sign_in|magic|auth/callback|acceso|connexion|anmelden|/sso'),
  verify: wordList(
    'verify|verification|confirm|activat|validat|bestaetig|bestatig|bevestig|double-opt|opt-in|optin',
  ),
};

/** The kind the words of a text name, in KIND_ORDER precedence; null when none. */
export function kindOfText(text: string): ActionWord | null {
  if (!text) return null;
  const found = new Set(linkWords.find(text).map((h) => h.category));
  return KIND_ORDER.find((k) => found.has(k)) ?? null;
}

/** The kind a URL names in its path or query keys (long opaque values are skipped: tokens may spell anything). */
export function kindOfUrl(url: string): ActionWord | null {
  const visible = url
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/, '')
    .replace(/=[^&#]{21,}/g, '=');
  return KIND_ORDER.find((k) => URL_WORDS[k].some((w) => visible.includes(w))) ?? null;
}

/**
 * Things that get confirmed or verified but are not an account: "Confirm appointment", "Verify
 * your order", "Confirm attendance". A link about one of them is not a verify/reset/login link.
 */
const NOT_ACCOUNT = wordList(`
  appointment|booking|reservation|order|attendance|rsvp|event|payment|delivery|pickup|shipment|meeting
  visit|purchase|invoice|termin|buchung|bestellung|lieferung|rendez-vous|réservation|commande|livraison
  cita|reserva|pedido|entrega|appuntamento|prenotazione|ordine|afspraak|reservering|bestelling|wizyta
  rezerwacja|zamówienie|запись|бронирование|заказ|доставка|预约|預約|订单|訂單|予約|注文|예약|주문
`);
const notAccountWords = buildMatcher({ object: NOT_ACCOUNT });
const NOT_ACCOUNT_URL =
  /appointment|booking|reservation|\/orders?\b|rsvp|\/events?\b|attendance|payment|delivery|invoice/;

/** True when a link's words or URL path are about an appointment, order, booking or the like. */
export function isAboutNonAccount(text: string, url: string): boolean {
  return notAccountWords.find(text).length > 0 || NOT_ACCOUNT_URL.test(pathOf(url));
}

function pathOf(url: string): string {
  return url
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/, '')
    .replace(/[?#].*$/, '');
}
