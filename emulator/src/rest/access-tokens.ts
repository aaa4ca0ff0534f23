/** State of a bearer token at a given moment. */
export type TokenState = "valid" | "expired" | "unknown";

export interface IssuedToken {
  token: string;
  /** Whole seconds left, as identity reports them in `expires_in`. */
  expiresIn: number;
}

/**
 * The OAuth access tokens of the emulator's one API user. As on Marketo, a token request
 * returns the current token with its remaining life until that token expires, and only then
 * a new one. Expired tokens are remembered so that using one gives 602, not 601.
 */
export class AccessTokens {
  readonly #expiresAt = new Map<string, number>();
  #current: string | undefined;

  /** Returns the current token, or issues a new one that lives `lifetimeSeconds`. */
  issue(now: Date, lifetimeSeconds: number): IssuedToken {
    const nowMs = now.getTime();
    const current = this.#current;
    const currentExpiry = current === undefined ? undefined : this.#expiresAt.get(current);

    if (current !== undefined && currentExpiry !== undefined && nowMs < currentExpiry) {
      return { token: current, expiresIn: Math.floor((currentExpiry - nowMs) / 1000) };
    }

    // Marketo's documented sample token is a UUID with a short suffix after a colon.
    const token = `${crypto.randomUUID()}:emu`;
    this.#expiresAt.set(token, nowMs + lifetimeSeconds * 1000);
    this.#current = token;
    return { token, expiresIn: lifetimeSeconds };
  }

  check(token: string, now: Date): TokenState {
    const expiresAt = this.#expiresAt.get(token);
    if (expiresAt === undefined) {
      return "unknown";
    }
    return now.getTime() < expiresAt ? "valid" : "expired";
  }

  /** Forgets every token, so the next request gets a new one. */
  clear(): void {
    this.#expiresAt.clear();
    this.#current = undefined;
  }
}
