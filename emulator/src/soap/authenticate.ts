import { createHmac, timingSafeEqual } from "node:crypto";

import type { Credentials, TimestampWindow } from "../config/emulator-config.ts";
import { findChild, type XmlElement } from "../xml/xml-element.ts";
import { MKTOWS_NAMESPACE } from "./namespaces.ts";
import { SoapFault } from "./soap-fault.ts";

/**
 * Timestamp forms the emulator accepts: `YYYY-MM-DDTHH:mm:ss`, optional fractional seconds,
 * then `Z` or a `±HH:MM` offset. Every Marketo sample uses a numeric offset and whole seconds.
 * Other forms (no offset, a space instead of `T`, `±HHMM`) are rejected.
 */
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a `requestTimestamp`; returns the instant in ms, or undefined for an unaccepted form. */
export function parseRequestTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const offset = match[8] ?? "Z";
  const instant = Date.parse(text);
  if (Number.isNaN(instant)) {
    return undefined;
  }

  // Date.parse rolls 2026-02-30 over into March; a round trip through the UTC fields of the
  // local time catches such dates.
  const offsetSign = offset.startsWith("-") ? -1 : 1;
  const offsetMinutes =
    offset === "Z" ? 0 : offsetSign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(instant + offsetMinutes * 60_000);
  const fieldsMatch =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() + 1 === month &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  return fieldsMatch ? instant : undefined;
}

/** Lowercase hex HMAC-SHA1 over `requestTimestamp + mktowsUserId`, keyed with the key's UTF-8 bytes. */
export function computeSignature(encryptionKey: string, requestTimestamp: string, userId: string): string {
  return createHmac("sha1", Buffer.from(encryptionKey, "utf8"))
    .update(requestTimestamp + userId, "utf8")
    .digest("hex");
}

function readField(authentication: XmlElement, localName: string): string {
  const value = findChild(authentication, localName)?.text;
  if (value === undefined || value === "") {
    throw new SoapFault(
      20014,
      `Authentication failed: AuthenticationHeader has no ${localName}; send it as an unqualified child element`,
    );
  }
  return value;
}

function signaturesEqual(received: string, expected: string): boolean {
  const receivedBytes = Buffer.from(received, "utf8");
  const expectedBytes = Buffer.from(expected, "utf8");
  return receivedBytes.length === expectedBytes.length && timingSafeEqual(receivedBytes, expectedBytes);
}

export interface AuthenticationContext {
  credentials: Credentials;
  window: TimestampWindow;
  now: Date;
}

/**
 * Verifies the AuthenticationHeader. The signature is recomputed over the timestamp text
 * exactly as received and must be lowercase hex, as Marketo documents it.
 * Throws 20014 for a missing header, unknown user or wrong signature, and 20016 for a
 * timestamp outside the configured window.
 */
export function authenticate(header: XmlElement | undefined, context: AuthenticationContext): void {
  const authentication = header === undefined ? undefined : findChild(header, "AuthenticationHeader", MKTOWS_NAMESPACE);
  if (authentication === undefined) {
    throw new SoapFault(
      20014,
      `Authentication failed: the SOAP Header has no AuthenticationHeader in namespace ${MKTOWS_NAMESPACE}`,
    );
  }

  const userId = readField(authentication, "mktowsUserId");
  const signature = readField(authentication, "requestSignature");
  const timestamp = readField(authentication, "requestTimestamp");

  if (userId !== context.credentials.soapUserId) {
    throw new SoapFault(20014, `Authentication failed: unknown mktowsUserId '${userId}'`);
  }

  const instant = parseRequestTimestamp(timestamp);
  if (instant === undefined) {
    throw new SoapFault(
      20014,
      `Authentication failed: requestTimestamp '${timestamp}' is not a W3C date-time such as 2026-01-15T10:00:00-08:00`,
    );
  }

  const expected = computeSignature(context.credentials.soapEncryptionKey, timestamp, userId);
  if (!signaturesEqual(signature, expected)) {
    const hint = signaturesEqual(signature.toLowerCase(), expected)
      ? "it is upper-case hex, send lower-case hex"
      : "sign requestTimestamp + mktowsUserId with HMAC-SHA1 and the encryption key";
    throw new SoapFault(20014, `Authentication failed: requestSignature does not match; ${hint}`);
  }

  const skewSeconds = (context.now.getTime() - instant) / 1000;
  if (skewSeconds > context.window.maxAgeSeconds) {
    throw new SoapFault(
      20016,
      `Request Expired: requestTimestamp '${timestamp}' is ${Math.round(skewSeconds)} s old; at most ${context.window.maxAgeSeconds} s is accepted, so sign with a fresh timestamp`,
    );
  }
  if (-skewSeconds > context.window.maxFutureSeconds) {
    throw new SoapFault(
      20016,
      `Request Expired: requestTimestamp '${timestamp}' is ${Math.round(-skewSeconds)} s in the future; at most ${context.window.maxFutureSeconds} s is accepted, so check the client's clock`,
    );
  }
}
