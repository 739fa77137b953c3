import { buildMatcher, wordList } from './extract-matcher.ts';

/**
 * Words around one-time codes and around the numbers that are not codes, in the languages of the
 * mail people get (English, Chinese, Japanese, Korean, German, French, Spanish, Portuguese,
 * Italian, Dutch, Nordic, Polish, Czech, Turkish, Russian, Ukrainian, Greek, Arabic, Hebrew, Hindi,
 * Thai, Vietnamese, Indonesian). Phrases follow the sign-in, sign-up and 2FA mails of large
 * senders in each language; test/fixtures/extract holds examples.
 */
export type CodeWord = 'strong' | 'weak' | 'support' | 'distractor' | 'meeting';

const STRONG = wordList(`
  verification code|verify code|confirmation code|security code|login code|log-in code|sign in code
  authentication code|auth code|access code|one-time code|one time code|one-time password
  one-time passcode|one-time pin|otp|passcode|verification pin|2fa code|two-factor|two-step|2-step
  guard code|reset code|activation code|registration code|sign up code|single-use code|temporary code
  magic code|code is|code:
  bestätigungscode|verifizierungscode|verifikationscode|sicherheitscode|einmalcode|einmalpasswort
  anmeldecode|zugangscode|aktivierungscode|freischaltcode|prüfcode|authentifizierungscode|tan|code lautet
  code de vérification|code de confirmation|code de sécurité|code à usage unique|code de connexion
  code d'accès|code d’accès|code d'activation|code de validation|mot de passe à usage unique|code unique
  código de verificación|código de confirmación|código de seguridad|código de acceso|código de un solo uso
  código de activación|código de inicio de sesión|clave de un solo uso|código de verificação
  código de confirmação|código de segurança|código de ativação|código de uso único|codice di verifica
  codice di conferma|codice di sicurezza|codice di accesso|codice monouso|codice di attivazione
  verificatiecode|bevestigingscode|beveiligingscode|inlogcode|toegangscode|eenmalige code|activatiecode
  verifieringskod|bekräftelsekod|engångskod|säkerhetskod|inloggningskod|bekreftelseskode|engangskode
  sikkerhetskode|bekræftelseskode|sikkerhedskode|verifikationskode|vahvistuskoodi|varmennuskoodi
  turvakoodi|kirjautumiskoodi
  kod weryfikacyjny|kod potwierdzający|kod jednorazowy|kod bezpieczeństwa|kod dostępu|kod aktywacyjny
  kod logowania|ověřovací kód|potvrzovací kód|bezpečnostní kód|jednorázový kód|overovací kód
  ellenőrző kód|megerősítő kód|biztonsági kód|cod de verificare|cod de confirmare|cod de securitate
  doğrulama kod*|onay kod*|güvenlik kod*|giriş kod*|aktivasyon kod*|tek kullanımlık
  κωδικός επαλήθευσης|κωδικός επιβεβαίωσης|κωδικός ασφαλείας|κωδικός μιας χρήσης
  код подтверждения|код проверки|проверочный код|одноразовый код|одноразовый пароль|код доступа
  код безопасности|код для входа|код активации|код верификации|код підтвердження|код перевірки
  одноразовий код|одноразовий пароль|код доступу
  رمز التحقق|رمز التأكيد|رمز الأمان|رمز الدخول|كود التحقق|كلمة المرور لمرة واحدة
  קוד אימות|קוד האימות|קוד חד פעמי|סיסמה חד פעמית|सत्यापन कोड|ओटीपी|वन टाइम पासवर्ड
  รหัสยืนยัน|รหัสผ่านครั้งเดียว|รหัสตรวจสอบ|mã xác minh|mã xác nhận|mã xác thực|mã otp|mã bảo mật
  mã kích hoạt|mã đăng nhập|kode verifikasi|kode konfirmasi|kode keamanan|kode akses|kod pengesahan
  验证码|驗證碼|校验码|校驗碼|动态码|動態碼|确认码|確認碼|安全码|安全碼|登录码|登入碼|动态密码|動態密碼
  一次性密码|一次性密碼|激活码|啟用碼|认证码|認證碼
  認証コード|確認コード|認証番号|確認番号|ワンタイムパスワード|ワンタイムコード|セキュリティコード
  検証コード|ログインコード|承認コード|パスコード|暗証番号
  인증번호|인증 번호|인증코드|인증 코드|확인코드|확인 코드|보안코드|보안 코드|일회용 비밀번호|일회용 코드
  승인번호|인증키
`);

/** A bare "code" or "PIN": a code when nothing closer says otherwise. */
const WEAK = wordList(`
  code|pin|pin code|pin number|verification|código|codigo|codice|kod*|kód|koodi|kode|cod|код|кода|коду
  κωδικός|رمز|كود|קוד|कोड|รหัส|mã|代码|代碼|コード|코드
`);

/** Words that accompany one-time codes: validity, entering, not sharing. */
const SUPPORT = wordList(`
  expire|expires|valid|minutes|enter|type it|copy|don't share|do not share|never share|sign in|log in
  login|verify|confirm|gültig|eingeben|expire dans|valable|saisissez|caduca|válido|introduce|ingresa
  expira|действителен|введите|не сообщайте|никому|有效|分钟|分鐘|请勿|請勿|输入|輸入|有効|入力|유효|입력
  geçerli|ważny|scade|inserisci|geldig|hiệu lực|صالح|لا تشارك
`);

/** Labels of numbers that are not one-time codes: orders, money, contact, addresses, coupons, dates. */
const DISTRACTOR = wordList(`
  order|order number|order no|invoice|receipt|tracking|track|shipment|parcel|sku|item|qty|quantity
  total|subtotal|amount|price|balance|account number|ending in|ending with|ends in|last four|card
  reference|ref|booking|reservation|confirmation number|flight|seat|gate|ticket|e-ticket|case|customer
  member number|member id|policy|claim|serial|model|version|build|issue|request|phone|tel|call|fax
  mobile|hotline|whatsapp|dial|ext|room|suite|apt|floor|street|st|ave|avenue|road|rd|blvd|po box|zip
  postal code|postcode|coupon|promo|promo code|promotional code|discount|voucher|gift card|offer|offers
  sale|off|save|shop|checkout|error|error code|status code|company number|registration number|vat|tax
  nmls|abn|iban|pnr|miles|points|level|season|id|no.|#|number|copyright|©|since|year|date
  coupon code|discount code|gift code|referral code|voucher code|zip code|area code|country code|qr code
  source code|dress code|tracking code|product code|item code|bar code|barcode
  bestellung|bestellnummer|rechnung|rechnungsnummer|sendungsnummer|kundennummer|telefon|hrb|hra
  ust-idnr|betrag|preis|gutschein|rabatt|plz|straße|commande|facture|suivi|colis|montant|prix
  téléphone|tél|rcs|siret|tva|capital|code promo|code postal|rue|pedido|factura|seguimiento|importe
  precio|teléfono|cif|nif|cupón|descuento|código postal|calle|fatura|rastreamento|valor|telefone|cnpj
  cpf|cupom|desconto|cep|ordine|fattura|spedizione|importo|telefono|p.iva|iva|sconto|cap|bestelling
  factuur|bedrag|telefoon|kvk|btw|kortingscode|zamówienie|kwota|nip|regon|krs|kod rabatowy
  kod pocztowy|sipariş|kargo|takip|tutar|müşteri hizmetleri|indirim|kupon
  заказ|номер заказа|счёт|счет|трек|сумма|цена|телефон|тел|инн|огрн|кпп|промокод|скидка|позвоните
  đơn hàng|tổng đài|điện thoại|số tiền|رقم الطلب|هاتف|ص.ب
  订单|訂單|快递|快遞|运单|運單|物流|单号|單號|金额|金額|价格|價格|电话|電話|客服|专线|專線|热线|熱線|icp
  统一编号|統一編號|邮编|郵遞區號|优惠|優惠|折扣|注文|伝票|追跡|お問い合わせ|価格|〒|郵便番号|クーポン
  割引|会員番号|予約番号|주문|송장|운송장|배송|금액|가격|전화|고객센터|사업자등록번호|쿠폰|할인|우편번호
  회원번호|예약번호|年|년
`);

/** Meeting invitations: their passcodes are reusable meeting credentials, not one-time codes. */
const MEETING = wordList(`
  meeting id|meeting|zoom|webinar|dial-in|dial by your location|join by phone|one tap mobile
  conference id|teams meeting|google meet|besprechung|réunion|reunión|конференция|会议|會議|会議|회의
`);

export const codeWords = buildMatcher<CodeWord>({
  strong: STRONG,
  weak: WEAK,
  support: SUPPORT,
  distractor: DISTRACTOR,
  meeting: MEETING,
});

/** Month and weekday names and date labels: a year-like number next to one is a date. */
export const dateWords = buildMatcher<'date'>({
  date: wordList(`
    january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar
    apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon
    tue|wed|thu|fri|sat|sun|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars
    avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio
    julio|agosto|septiembre|octubre|noviembre|diciembre|января|февраля|марта|апреля|мая|июня|июля
    августа|сентября|октября|ноября|декабря|date|datum|fecha|дата|©|copyright|since|fy|q1|q2|q3|q4|年|년
  `),
});
