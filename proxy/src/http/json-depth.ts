/**
 * Maximum nesting of arrays and objects in a request body. A submission needs 3 levels: the
 * body, `context` and `context.utm`. The limit leaves room for API clients and keeps recursive
 * code such as `JSON.stringify` far below the engine's stack limit.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACKETS = new Set(['[', '{']);
const CLOSE_BRACKETS = new Set([']', '}']);

/**
 * Checks whether `text` nests arrays and objects deeper than `maxDepth`. One loop without
 * recursion skips string contents and their escapes, so it is safe before `JSON.parse` on any
 * input. For text that is not JSON the result means nothing, and `JSON.parse` rejects it next.
 */
export function exceedsJsonDepth(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;

  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;

    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
      continue;
    }

    if (character === '"') inString = true;
    else if (OPEN_BRACKETS.has(character)) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (CLOSE_BRACKETS.has(character)) depth -= 1;
  }
  return false;
}
