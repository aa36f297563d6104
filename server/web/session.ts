// Who the learner is: a random id in a cookie signed with HMAC-SHA256. Enough for now
// (no accounts); the page and the terminal socket both read it.
import crypto from "node:crypto";
import { cookieValue } from "./cookies.ts";

export const COOKIE_NAME = "shiplab_learner";
const ID_PATTERN = /^[a-f0-9]{16}$/;

export class LearnerSessions {
  constructor(private readonly secret: string) {}

  newLearnerId(): string {
    return crypto.randomBytes(8).toString("hex");
  }

  sign(learnerId: string): string {
    const mac = crypto.createHmac("sha256", this.secret).update(learnerId).digest("base64url");
    return `${learnerId}.${mac}`;
  }

  /** The learner id of a signed value, or undefined when it is forged, truncated or malformed. */
  verify(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const dot = value.indexOf(".");
    if (dot < 0) return undefined;
    const id = value.slice(0, dot);
    if (!ID_PATTERN.test(id)) return undefined;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(value);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? id : undefined;
  }

  /** The learner id from a Cookie header. */
  fromCookieHeader(header: string | undefined): string | undefined {
    const value = cookieValue(header, COOKIE_NAME);
    if (value === undefined) return undefined;
    try {
      return this.verify(decodeURIComponent(value));
    } catch {
      return undefined; // broken percent-encoding: as if there were no cookie
    }
  }

  setCookieHeader(learnerId: string): string {
    return `${COOKIE_NAME}=${encodeURIComponent(this.sign(learnerId))}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`;
  }
}
