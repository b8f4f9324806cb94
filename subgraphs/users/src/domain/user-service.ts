/** Accounts: sign-up, log-in, profile changes, listing, and the seeded admin. */
import { z } from 'zod';
import { badUserInput, parseInput, unauthenticated, notFound } from '@commerce/kit/errors';
import { newestFirst, readPage, toConnection, type PageArgs, type Connection } from '@commerce/kit/pagination';
import { isRecordNotFound, isUniqueViolation } from '@commerce/kit/prisma';
import type { EventWriter } from '@commerce/kit/events/outbox';
import type { Db, Tx, UserRow } from '../db.js';
import { userProfileUpdated, userRegistered } from '../events/publish.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { TokenIssuer } from './tokens.js';

export interface AuthPayload {
  token: string;
  user: UserRow;
}

/**
 * International addresses are allowed (RFC 6531), so the same address can arrive composed or
 * decomposed: the edge has normalised every string to NFC, and lower-casing makes the comparison
 * (the unique index, log-in) case-insensitive too.
 */
const email = z
  .email({ pattern: z.regexes.unicodeEmail })
  .max(254)
  .transform((value) => value.normalize('NFC').toLowerCase());

const signUpInput = z.object({
  email,
  name: z.string().trim().min(1).max(100),
  password: z.string().min(8).max(200),
});

const updateProfileInput = z.object({
  name: z.string().trim().min(1).max(100).nullish(),
});

/** Verifying against this when the e-mail is unknown keeps log-in timing the same either way. */
const UNKNOWN_USER_HASH = hashPassword('not a real password');

export class UserService {
  constructor(
    private readonly db: Db,
    private readonly events: EventWriter<Tx>,
    private readonly tokens: TokenIssuer,
  ) {}

  async signUp(input: unknown): Promise<AuthPayload> {
    const data = parseInput(signUpInput, input, 'input');
    const passwordHash = await hashPassword(data.password);
    try {
      const user = await this.events.transaction(async (tx, publish) => {
        const created = await tx.user.create({ data: { email: data.email, name: data.name, passwordHash } });
        await publish(userRegistered(created));
        return created;
      });
      return { token: await this.tokens.issue(user), user };
    } catch (error) {
      if (isUniqueViolation(error)) throw badUserInput('input.email', 'input.email: already registered');
      throw error;
    }
  }

  async logIn(address: string, password: string): Promise<AuthPayload> {
    const parsed = email.safeParse(address);
    const user = parsed.success ? await this.db.user.findUnique({ where: { email: parsed.data } }) : null;
    const valid = await verifyPassword(password, user?.passwordHash ?? (await UNKNOWN_USER_HASH));
    if (!user || !valid) throw unauthenticated('Invalid e-mail address or password');
    return { token: await this.tokens.issue(user), user };
  }

  async updateProfile(userId: string, input: unknown): Promise<UserRow> {
    const data = parseInput(updateProfileInput, input, 'input');
    try {
      return await this.events.transaction(async (tx, publish) => {
        const user = await tx.user.update({ where: { id: userId }, data: { ...(data.name ? { name: data.name } : {}) } });
        await publish(userProfileUpdated(user));
        return user;
      });
    } catch (error) {
      if (isRecordNotFound(error)) throw notFound('User', userId);
      throw error;
    }
  }

  async list(args: PageArgs): Promise<Connection<UserRow>> {
    const { first, after } = readPage(args, newestFirst.cursor);
    const rows = await this.db.user.findMany({
      where: after
        ? {
            OR: [
              { createdAt: { lt: new Date(after[1]) } },
              { createdAt: new Date(after[1]), id: { lt: after[2] } },
            ],
          }
        : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
    return toConnection(rows, first, newestFirst.keyOf);
  }

  /** Makes sure the configured admin account exists and can log in with the configured password. */
  async ensureAdmin(address: string, password: string): Promise<UserRow> {
    const adminEmail = address.normalize('NFC').toLowerCase();
    const existing = await this.db.user.findUnique({ where: { email: adminEmail } });
    if (existing?.role === 'ADMIN' && (await verifyPassword(password, existing.passwordHash))) return existing;
    const passwordHash = await hashPassword(password);
    return this.db.user.upsert({
      where: { email: adminEmail },
      create: { email: adminEmail, name: 'Admin', passwordHash, role: 'ADMIN' },
      update: { passwordHash, role: 'ADMIN' },
    });
  }
}
