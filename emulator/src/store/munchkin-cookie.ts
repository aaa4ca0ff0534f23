/** The parts of a `_mkto_trk` value. */
export interface MunchkinCookie {
  munchkinId: string;
  /** The `_mch-…` token, the part Marketo associates with a lead. */
  token: string;
  /** Cookie domain written into the token. */
  domain: string;
}

/**
 * Accepts both documented token forms: `_mch-<domain>-<ms epoch>-<5 digits>` and
 * `_mch-<domain>-<hex>`. Marketo's documentation example has 31 hex digits while cookies
 * seen since late 2025 have 32, so 31 and 32 are both accepted. The domain may contain
 * hyphens, so the pattern anchors from the right.
 */
const COOKIE_PATTERN =
  /^id:([0-9]{3}-[A-Z]{3}-[0-9]{3})&token:(_mch-(.+)-(?:[0-9]+-[0-9]{5}|[0-9a-f]{31,32}))$/;

/** Parses a full `_mkto_trk` value; returns undefined when it is not in Marketo's format. */
export function parseMunchkinCookie(value: string): MunchkinCookie | undefined {
  const match = COOKIE_PATTERN.exec(value);
  if (match === null) {
    return undefined;
  }
  const [, munchkinId, token, domain] = match;
  if (munchkinId === undefined || token === undefined || domain === undefined) {
    return undefined;
  }
  return { munchkinId, token, domain };
}

/** Builds the full cookie value from a Munchkin id and token. */
export function formatMunchkinCookie(munchkinId: string, token: string): string {
  return `id:${munchkinId}&token:${token}`;
}
