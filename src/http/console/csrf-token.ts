import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

const COOKIE = 'recpipe_csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Double-submit CSRF token: a random value in an HttpOnly, SameSite=Strict cookie that every
 * console form repeats in a hidden field. Another site can make a browser send the cookie (not
 * with SameSite=Strict, but older browsers) yet cannot read it to fill in the field. Hono's
 * `csrf()` (Origin / Sec-Fetch-Site) runs in front of it as the first line.
 */
export function csrfToken(c: Context): string {
  const existing = getCookie(c, COOKIE);
  if (existing && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:' });
  return token;
}

/** True when the submitted field equals the cookie (constant-time compare). */
export function csrfTokenValid(c: Context, submitted: unknown): boolean {
  const cookie = getCookie(c, COOKIE);
  if (!cookie || !TOKEN.test(cookie) || typeof submitted !== 'string' || !TOKEN.test(submitted)) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(submitted));
}
