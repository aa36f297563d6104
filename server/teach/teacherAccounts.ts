// Teacher accounts as the server, the CLI and the login route use them: the first account
// on the first start, more from the command line, and rate-limited logins.
import type { TeacherStore } from "../store/teacherStore.ts";
import { LoginLimiter } from "./loginLimiter.ts";
import { generatePassword, hashPassword, verifyPassword } from "./passwords.ts";

export const FIRST_TEACHER = "teacher";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export class TeacherError extends Error {}

export type LoginResult = { ok: true; name: string } | { ok: false; reason: "wrong" } | { ok: false; reason: "limited"; retryAfterSeconds: number };

export class TeacherAccounts {
  /** Checked against when the name is unknown, so a wrong name costs what a wrong password does. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly store: TeacherStore,
    private readonly limiter = new LoginLimiter(),
  ) {}

  /**
   * Makes the first teacher account when there is none: with `password` when given, else
   * with a generated one, which is returned (to be shown once) and stored only as a hash.
   */
  async ensureFirst(password: string | undefined): Promise<{ name: string; generatedPassword?: string } | undefined> {
    if (this.store.count() > 0) return undefined;
    const generated = password ? undefined : generatePassword();
    this.store.add(FIRST_TEACHER, await hashPassword(password ?? generated!));
    return { name: FIRST_TEACHER, generatedPassword: generated };
  }

  /** Adds a teacher with a generated password, returned to be shown once. */
  async add(name: string): Promise<string> {
    if (!NAME.test(name)) throw new TeacherError(`"${name}" is not a teacher name: 1–32 letters, digits, dots, dashes or underscores.`);
    const password = generatePassword();
    if (!this.store.add(name, await hashPassword(password))) throw new TeacherError(`There is already a teacher named ${name}: use \`teacher reset ${name}\`.`);
    return password;
  }

  /** Gives a teacher a new generated password, returned to be shown once. */
  async reset(name: string): Promise<string> {
    const password = generatePassword();
    if (!this.store.setPassword(name, await hashPassword(password))) throw new TeacherError(`There is no teacher named ${name}: use \`teacher add ${name}\`.`);
    return password;
  }

  async login(name: string, password: string, client: string): Promise<LoginResult> {
    const keys = [`client:${client}`, `name:${name.toLowerCase()}`];
    const wait = this.limiter.retryAfterSeconds(keys);
    if (wait > 0) return { ok: false, reason: "limited", retryAfterSeconds: wait };
    const teacher = NAME.test(name) ? this.store.find(name) : undefined;
    const stored = teacher?.passwordHash ?? (await (this.decoy ??= hashPassword(generatePassword())));
    const ok = (await verifyPassword(password, stored)) && teacher !== undefined;
    if (!ok) {
      this.limiter.failed(keys);
      return { ok: false, reason: "wrong" };
    }
    this.limiter.succeeded(keys);
    return { ok: true, name: teacher.name };
  }
}
