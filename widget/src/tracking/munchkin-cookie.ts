import Cookies from 'js-cookie';

/** Name of the cookie Marketo's Munchkin script sets: `id:<munchkin id>&token:_mch-…`. */
export const MUNCHKIN_COOKIE = '_mkto_trk';

/**
 * Reads the decoded `_mkto_trk` value, or undefined when Munchkin is absent, blocked or opted out.
 * The proxy, not the widget, checks that the `id:` part belongs to its Marketo instance.
 */
export function readMunchkinCookie(): string | undefined {
  return Cookies.get(MUNCHKIN_COOKIE) || undefined;
}
