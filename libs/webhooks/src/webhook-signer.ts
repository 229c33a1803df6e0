import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers for one attempt, signed by the `standardwebhooks` library with every
 * secret that is valid now (during a rotation: the new one and the previous one, space-separated,
 * as the specification allows), so a receiver verifies with whichever secret it holds.
 */
export function signedHeaders(messageId: string, at: Date, body: string, secrets: string[]): Record<string, string> {
  const signature = secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' ');
  return {
    'content-type': 'application/json',
    'user-agent': 'makebuy-webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** Never keep a secret or a signature in the delivery log, even if a receiver echoes one back. */
export function scrubSecrets(text: string | null, secrets: string[]): string | null {
  if (text == null) return null;
  let out = text;
  for (const s of secrets) {
    out = out.split(s).join('[secret]');
    const raw = s.startsWith('whsec_') ? s.slice('whsec_'.length) : s;
    if (raw.length >= 8) out = out.split(raw).join('[secret]');
  }
  return out.replace(/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[secret]').replace(/v1,[A-Za-z0-9+/=]{40,}/g, 'v1,[signature]');
}
