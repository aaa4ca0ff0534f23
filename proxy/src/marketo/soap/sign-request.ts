const encoder = new TextEncoder();

/**
 * Computes Marketo's SOAP `requestSignature`: lowercase hex HMAC-SHA1 of `timestamp + userId`,
 * keyed with the UTF-8 bytes of the encryption key as typed (neither hex- nor base64-decoded).
 *
 * Marketo recomputes the signature over the exact `requestTimestamp` text it receives, so
 * `timestamp` must be byte-identical to the text sent in the header.
 */
export async function signRequest(userId: string, encryptionKey: string, timestamp: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(encryptionKey), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(timestamp + userId));

  return Array.from(new Uint8Array(mac), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
