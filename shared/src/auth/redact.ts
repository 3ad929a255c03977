/** Strip secrets from text that is about to leave the process (error messages, logs). */

// JWTs (access and ID tokens) start with a base64url JSON header: '{"' encodes to "eyJ".
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
// SAS signatures and similar query parameters.
const SIGNED_QUERY = /([?&](?:sig|se|sv|skoid|sktid|st|code|client_secret|client_assertion|access_token)=)[^&\s"']+/gi;
// "Bearer <anything>" in echoed headers.
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out.replace(JWT, '***').replace(BEARER, '$1***').replace(SIGNED_QUERY, '$1***');
}
