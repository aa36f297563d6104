// Who the teacher is: `name.issuedAt.mac` in an HttpOnly, SameSite=Strict cookie, signed
// with a key of its own derived from the server's secret. A session ends after SESSION_MS,
// and when the teacher's password is reset after it began (a reset logs every device out).
import crypto from "node:crypto";
import { cookieValue } from "./cookies.ts";
import type { TeacherStore } from "../store/teacherStore.ts";

export const TEACHER_COOKIE = "shiplab_teacher";
export const SESSION_MS = 12 * 60 * 60_000;

export class TeacherSessions {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly teachers: Pick<TeacherStore, "find">,
    private readonly now: () => number = Date.now,
  ) {
    this.key = crypto.createHmac("sha256", secret).update("shiplab teacher sessions").digest();
  }

  private mac(body: string): string {
    return crypto.createHmac("sha256", this.key).update(body).digest("base64url");
  }

  setCookieHeader(name: string): string {
    // base64url: a name may hold dots, the separator.
    const body = `${Buffer.from(name).toString("base64url")}.${this.now()}`;
    return `${TEACHER_COOKIE}=${body}.${this.mac(body)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`;
  }

  clearCookieHeader(): string {
    return `${TEACHER_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** The teacher's name from a Cookie header, or undefined (none, forged, expired, reset since). */
  fromCookieHeader(header: string | undefined): string | undefined {
    const value = cookieValue(header, TEACHER_COOKIE);
    return value === undefined ? undefined : this.verify(value);
  }

  private verify(value: string): string | undefined {
    const m = /^([\w-]{1,64})\.(\d{1,15})\.([\w-]{43})$/.exec(value);
    if (!m) return undefined;
    const [, encodedName, issued, mac] = m;
    const expected = Buffer.from(this.mac(`${encodedName}.${issued}`));
    if (!crypto.timingSafeEqual(expected, Buffer.from(mac))) return undefined;
    const issuedAt = Number(issued);
    if (this.now() - issuedAt > SESSION_MS) return undefined;
    const name = Buffer.from(encodedName, "base64url").toString();
    const teacher = this.teachers.find(name);
    if (!teacher || teacher.passwordSetAt > issuedAt) return undefined;
    return teacher.name;
  }
}
