/**
 * Creates a random (version 4) UUID. `crypto.randomUUID` exists only in secure contexts, so on
 * plain http pages the 122 random bits come from `crypto.getRandomValues` instead.
 */
export function createSubmissionId(): string {
  if (crypto.randomUUID) return crypto.randomUUID();

  const random = crypto.getRandomValues(new Uint8Array(31));
  let index = 0;
  // Each x becomes a random hex digit; y takes the variant bits 10xx (RFC 9562 §4.1).
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (digit) =>
    ((digit === 'x' ? 0 : 8) | (random[index++]! & (digit === 'x' ? 15 : 3))).toString(16)
  );
}
