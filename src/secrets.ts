/**
 * Secrets that must never be printed or recorded: the API keys and passwords this process was
 * configured with, whatever their format. Model servers echo keys back in error messages
 * ("Incorrect API key provided: …"); every event is scrubbed by the codec before it is stored,
 * and the CLI scrubs what it writes to stdout, stderr and its logs.
 */

const REDACTED = '[redacted]';
/** Shorter values are too likely to occur in ordinary text to be replaced everywhere. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();
let ordered: string[] = [];

/**
 * Remember a configured secret (an API key, a database password) so that it is replaced by
 * `[redacted]` wherever it would be printed or recorded. Empty and very short values are ignored.
 * @example
 * ```ts
 * registerSecret(process.env.OPENAI_API_KEY);
 * redactSecrets(`bad key ${process.env.OPENAI_API_KEY}`); // 'bad key [redacted]'
 * ```
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET_LENGTH || secrets.has(trimmed)) return;
  secrets.add(trimmed);
  // Its JSON-escaped form too, so the value is found inside serialised events.
  const escaped = JSON.stringify(trimmed).slice(1, -1);
  if (escaped !== trimmed) secrets.add(escaped);
  // Longest first, so a secret containing another is replaced whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** The secret-bearing environment variables read at start-up by {@link registerEnvSecrets}. */
export const SECRET_ENV_VARS: readonly string[] = ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'AIGEN_API_TOKEN'];

/** Register the configured keys of an environment (`OPENAI_API_KEY`, …) and the password of a store URL. */
export function registerEnvSecrets(env: NodeJS.ProcessEnv, storeUrl?: string): void {
  for (const name of SECRET_ENV_VARS) registerSecret(env[name]);
  if (storeUrl !== undefined) registerSecret(urlPassword(storeUrl));
}

/** Replace every registered secret value in `text` (cheap when none occurs). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

const HEADER = /\b(authorization|proxy-authorization|api-key|x-api-key)(["']?\s*[:=]\s*["']?)(?:(bearer|basic)\s+)?[^\s"',;}]+/gi;

/**
 * Scrub a message for printing or recording: registered secrets, `sk-…` keys, bearer tokens and
 * the values of `Authorization` / `api-key` headers.
 * @example
 * ```ts
 * redact('401: Authorization: Bearer abc123'); // '401: Authorization: Bearer [redacted]'
 * ```
 */
export function redact(text: string): string {
  return redactSecrets(text)
    .replace(/\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+/g, '$1…')
    .replace(HEADER, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`)
    .replace(/(Bearer\s+)(?!\[redacted\])\S+/gi, `$1${REDACTED}`);
}

/** The password of a URL (`postgres://user:pass@…` or `?password=`), if any. */
function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    const pass = u.password !== '' ? decodeURIComponent(u.password) : u.searchParams.get('password');
    return pass ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * A store URL with its password masked, for messages and printed commands.
 * @example
 * ```ts
 * redactUrl('postgres://me:secret@db/aigen'); // 'postgres://me:***@db/aigen'
 * ```
 */
export function redactUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** Field names whose values are secrets: keys, passwords, tokens, credentials (`-`/`_` and case ignored). */
const SECRET_FIELD = /(apikey|password|passwd|passphrase|secret|authorization|credentials?|privatekey|cookie|token)$|^(secret|password|apikey|privatekey)/;

/** True when a field of that name holds a secret (`apiKey`, `db_password`, `accessToken`, `clientSecret`, `Authorization`; not `maxTokens`). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name.toLowerCase().replace(/[-_\s]/g, ''));
}

/**
 * A JSON value with the values of secret-named fields (see {@link isSecretField}) replaced by
 * `[redacted]` at any depth, and every string scrubbed with {@link redact}: what a run records of
 * a value its caller passed in (the run context).
 * @example
 * ```ts
 * scrubSecretFields({ user: 'ann', apiKey: 'k-123' }); // { user: 'ann', apiKey: '[redacted]' }
 * ```
 */
export function scrubSecretFields(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(scrubSecretFields);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== null ? REDACTED : scrubSecretFields(v)]));
  }
  return value;
}
