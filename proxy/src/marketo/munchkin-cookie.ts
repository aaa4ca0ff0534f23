/**
 * Outcome for the posted `_mkto_trk` value, reported to the widget as `cookie`.
 * `association_failed`: the lead was delivered, but Marketo did not join the cookie to it
 * (REST Associate Lead failed after its retries), so the anonymous history stays apart.
 */
export type CookieOutcome = 'associated' | 'association_failed' | 'absent' | 'other_instance' | 'malformed';

export interface CookieCheck {
  outcome: CookieOutcome;
  /** The value to send to Marketo, present only when `outcome` is `associated`. */
  cookie?: string;
  /** The Munchkin id the cookie names, present only when `outcome` is `other_instance`. */
  instance?: string;
}

// `id:<munchkin id>&token:_mch-<cookie domain>-<token>`, where the token is either
// `<ms epoch>-<5 digits>` or 31–32 hex digits. Marketo's documentation example of the hex form
// has 31 digits while current cookies carry 32, so both lengths are accepted. The domain may
// contain hyphens, so the token is anchored at the end.
const MUNCHKIN_COOKIE_PATTERN =
  /^id:([0-9]{3}-[A-Za-z]{3}-[0-9]{3})&token:_mch-[A-Za-z0-9.-]+-(?:[0-9]{10,16}-[0-9]{5}|[0-9a-f]{31,32})$/;

const MAX_COOKIE_LENGTH = 300;

/**
 * Checks a posted `mktoTrk` value against Marketo's two documented cookie formats and this
 * instance's Munchkin id. A cookie of another instance is not sent, because Marketo would try
 * to match a lead by a token it never issued. A malformed value is dropped and never fails the
 * submission.
 */
export function checkMunchkinCookie(value: unknown, munchkinId: string): CookieCheck {
  if (value === undefined || value === null) return { outcome: 'absent' };
  if (typeof value !== 'string') return { outcome: 'malformed' };

  const cookie = value.trim();
  if (cookie === '' || cookie === 'undefined' || cookie === 'null') return { outcome: 'absent' };
  if (cookie.length > MAX_COOKIE_LENGTH) return { outcome: 'malformed' };

  const match = MUNCHKIN_COOKIE_PATTERN.exec(cookie);
  if (match?.[1] === undefined) return { outcome: 'malformed' };
  if (match[1].toUpperCase() !== munchkinId.toUpperCase()) return { outcome: 'other_instance', instance: match[1] };

  // The id is sent as configured, in upper case, and the token as the browser stored it. The
  // emulator's Associate Lead rejects a lower-case id as an invalid cookie (1012).
  // NOTE: whether live Marketo does the same is not documented.
  return { outcome: 'associated', cookie: `id:${munchkinId}${cookie.slice(`id:${match[1]}`.length)}` };
}
