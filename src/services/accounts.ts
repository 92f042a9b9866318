import type { Db, Executor } from "../db/client.ts";
import {
  activatePendingAccount,
  deletePendingAccount,
  findAccountByEmail,
  findAccountByFranceConnectSub,
  findAccountById,
  findAccountByIdentifier,
  identifierExists,
  insertAccount,
  updateAccount,
  type Account,
} from "../db/repositories/accounts.ts";
import { addNotification } from "../db/repositories/notifications.ts";
import { enqueueMail } from "../db/repositories/outbox.ts";
import { deleteSessionsOfAccount } from "../db/repositories/sessions.ts";
import { consumeToken, findToken, insertToken, retireTokens } from "../db/repositories/tokens.ts";
import {
  normalizeSecretAnswer,
  type ActivationForm,
  type SecretQuestion,
  type SignupForm,
} from "../domain/account.ts";
import { identifierBase, makeIdentifier } from "../domain/identifier.ts";
import { tokenExpiry, tokenState, type TokenPurpose, type TokenState } from "../domain/tokens.ts";
import type { Clock } from "./clock.ts";
import { mails } from "./mails.tsx";
import { hashSecret, verifyDecoy, verifySecret } from "./passwords.ts";
import { randomInt, randomToken, sha256 } from "./secrets.ts";
import type { Throttle, ThrottleTarget } from "./throttle.ts";

export interface AccountUrls {
  activation(token: string): string;
  passwordReset(token: string): string;
  signin(): string;
  forgotPassword(): string;
}

/** Identity returned by FranceConnect (the claims this service asks for). */
export interface FranceConnectIdentity {
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  gender?: string | undefined;
  birthdate?: string | undefined;
  birthplace?: string | undefined;
  birthcountry?: string | undefined;
}

export type SigninResult =
  | { kind: "ok"; account: Account; previousLoginAt: Date | null }
  | { kind: "invalid" }
  | { kind: "throttled"; waitSeconds: number };

export type TokenCheck = { state: Exclude<TokenState, "valid"> } | { state: "valid"; account: Account };

/**
 * Account use cases (SPEC §2). Every change and the mail it causes are written in one
 * transaction; answers never reveal whether an account exists.
 */
export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly throttle: Throttle,
    private readonly urls: AccountUrls,
    /** Called after a commit that queued mail, to wake the outbox worker. */
    private readonly mailQueued: () => void = () => {},
  ) {}

  private async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.mailQueued();
    return result;
  }

  private async newToken(tx: Executor, accountId: string, purpose: TokenPurpose): Promise<string> {
    const now = this.clock.now();
    await retireTokens(tx, accountId, purpose, now);
    const token = randomToken();
    await insertToken(tx, { accountId, purpose, tokenHash: sha256(token), expiresAt: tokenExpiry(purpose, now) });
    return token;
  }

  /** "CRÉER MON COMPTE": the same outcome whether or not the address already has an account. */
  async signup(form: SignupForm): Promise<void> {
    await this.transaction(async (tx) => {
      const now = this.clock.now();
      const existing = await findAccountByEmail(tx, form.email);
      if (existing?.status === "active") {
        await enqueueMail(tx, mails.alreadyRegistered(existing.email, existing.identifier, this.urls.signin()), now);
        return;
      }
      const deadline = tokenExpiry("activation", now);
      const account = existing
        ? await updateAccount(tx, existing.id, { ...form, activationDeadline: deadline })
        : await insertAccount(tx, { ...form, status: "pending", activationDeadline: deadline, createdAt: now });
      const token = await this.newToken(tx, account.id, "activation");
      await enqueueMail(tx, mails.activation(account.email, this.urls.activation(token)), now);
    });
  }

  /** "Recevoir un nouveau mél d'activation": a new link if a pending account has this address. */
  async resendActivation(email: string): Promise<void> {
    await this.transaction(async (tx) => {
      const now = this.clock.now();
      const account = await findAccountByEmail(tx, email);
      if (!account) return;
      if (account.status === "active") {
        await enqueueMail(tx, mails.alreadyRegistered(account.email, account.identifier, this.urls.signin()), now);
        return;
      }
      await updateAccount(tx, account.id, { activationDeadline: tokenExpiry("activation", now) });
      const token = await this.newToken(tx, account.id, "activation");
      await enqueueMail(tx, mails.activation(account.email, this.urls.activation(token)), now);
    });
  }

  async checkToken(purpose: TokenPurpose, token: string): Promise<TokenCheck> {
    const found = await findToken(this.db, purpose, sha256(token));
    if (!found) return { state: "unknown" };
    const state = tokenState(found.token, this.clock.now());
    if (state !== "valid") return { state };
    if (purpose === "activation" && found.account.status !== "pending") return { state: "used" };
    return { state: "valid", account: found.account };
  }

  private async freeIdentifier(account: Account): Promise<string> {
    const base = identifierBase(account.givenName, account.familyName);
    for (let i = 0; i < 50; i++) {
      const candidate = makeIdentifier(base, randomInt(10_000));
      if (!(await identifierExists(this.db, candidate))) return candidate;
    }
    throw new Error("no free identifier");
  }

  /** "VOUS Y ÊTES PRESQUE !": activates, assigns the identifier and mails it. */
  async activate(token: string, form: ActivationForm): Promise<TokenCheck> {
    const check = await this.checkToken("activation", token);
    if (check.state !== "valid") return check;
    // Hashing is slow on purpose: done before the transaction so no lock is held meanwhile.
    const [passwordHash, secretAnswerHash] = await Promise.all([
      hashSecret(form.password),
      hashSecret(normalizeSecretAnswer(form.secretAnswer)),
    ]);
    for (let attempt = 0; ; attempt++) {
      const identifier = await this.freeIdentifier(check.account);
      try {
        return await this.transaction(async (tx): Promise<TokenCheck> => {
          const now = this.clock.now();
          const found = await findToken(tx, "activation", sha256(token));
          if (!found || !(await consumeToken(tx, found.token.id, now))) return { state: "used" };
          const account = await activatePendingAccount(tx, found.account.id, {
            sex: form.sex,
            passwordHash,
            secretQuestion: form.secretQuestion,
            secretAnswerHash,
            identifier,
            activatedAt: now,
            lastLoginAt: now,
          });
          if (!account) return { state: "used" };
          await enqueueMail(tx, mails.identifier(account.email, identifier, this.urls.signin()), now);
          await addNotification(tx, account.id, "Votre compte est activé. Votre identifiant vous a été envoyé par mél.", now);
          return { state: "valid", account };
        });
      } catch (error) {
        // Another activation took the same identifier between the check and the write: draw again.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /**
   * "ME CONNECTER". The attempt is counted against the identifier and the address before the
   * password is looked at (atomically: a burst of parallel tries gets no more evaluations than
   * the policy allows); a success clears the identifier's failures and gives the address its
   * attempt back. `device`: the id of a browser that signed in to this identifier before, whose
   * attempts are counted apart from everyone else's (a stranger's failures do not lock it out).
   */
  async signin(identifier: string, password: string, ip: string, device?: string): Promise<SigninResult> {
    const byIdentifier: ThrottleTarget = device ? ["signinDevice", `${identifier} ${device}`] : ["signinIdentifier", identifier];
    const byIp = ["signinIp", ip] as const;
    const admission = await this.throttle.take([byIdentifier, byIp]);
    if (!admission.allowed) return { kind: "throttled", waitSeconds: admission.waitSeconds };
    const account = await findAccountByIdentifier(this.db, identifier);
    const ok =
      account?.status === "active" && account.passwordHash
        ? await verifySecret(password, account.passwordHash)
        : await verifyDecoy(password);
    if (!ok || !account) return { kind: "invalid" };
    await this.throttle.clear(byIdentifier);
    await this.throttle.refund(admission, byIp);
    const previousLoginAt = account.lastLoginAt;
    const updated = await updateAccount(this.db, account.id, { lastLoginAt: this.clock.now() });
    return { kind: "ok", account: updated, previousLoginAt };
  }

  /** "Identifiant oublié ?": mails the identifier if an active account has this address. */
  async forgotIdentifier(email: string): Promise<void> {
    await this.transaction(async (tx) => {
      const account = await findAccountByEmail(tx, email);
      if (account?.status === "active" && account.identifier) {
        await enqueueMail(tx, mails.forgottenIdentifier(account.email, account.identifier, this.urls.signin()), this.clock.now());
      }
    });
  }

  /** "Mot de passe oublié ?": a reset link if identifier, question and answer all match. */
  async forgotPassword(identifier: string, question: SecretQuestion, answer: string): Promise<void> {
    const account = await findAccountByIdentifier(this.db, identifier);
    const matches =
      account?.status === "active" && account.secretAnswerHash && account.secretQuestion === question
        ? await verifySecret(normalizeSecretAnswer(answer), account.secretAnswerHash)
        : await verifyDecoy(answer);
    if (!matches || !account) return;
    await this.transaction(async (tx) => {
      const token = await this.newToken(tx, account.id, "password_reset");
      await enqueueMail(tx, mails.passwordReset(account.email, this.urls.passwordReset(token)), this.clock.now());
    });
  }

  /** Sets the new password, spends the link and ends every open session of the account. */
  async resetPassword(token: string, password: string): Promise<TokenCheck> {
    const check = await this.checkToken("password_reset", token);
    if (check.state !== "valid") return check;
    const passwordHash = await hashSecret(password);
    return this.transaction(async (tx): Promise<TokenCheck> => {
      const now = this.clock.now();
      const found = await findToken(tx, "password_reset", sha256(token));
      if (!found || !(await consumeToken(tx, found.token.id, now))) return { state: "used" };
      const account = await updateAccount(tx, found.account.id, { passwordHash });
      await deleteSessionsOfAccount(tx, account.id);
      await enqueueMail(tx, mails.passwordChanged(account.email, this.urls.forgotPassword()), now);
      return { state: "valid", account };
    });
  }

  async findById(id: string): Promise<Account | undefined> {
    return findAccountById(this.db, id);
  }

  /**
   * FranceConnect sign-in: the account linked to this identity, or a new one created from
   * it in one step. When the address already belongs to an active account not linked to
   * FranceConnect, nothing is created: the user signs in once with their identifier to link it.
   * An account never activated does not block a verified identity: anyone may start a
   * sign-up with anyone's address, so that pending account is deleted (its activation link
   * dies with it) and the FranceConnect account takes the address.
   */
  async franceConnectSignin(
    identity: FranceConnectIdentity,
  ): Promise<{ kind: "ok"; account: Account; created: boolean; previousLoginAt: Date | null } | { kind: "email_taken" }> {
    return this.transaction(async (tx) => {
      const now = this.clock.now();
      const linked = await findAccountByFranceConnectSub(tx, identity.sub);
      if (linked) {
        const account = await updateAccount(tx, linked.id, { lastLoginAt: now });
        return { kind: "ok" as const, account, created: false, previousLoginAt: linked.lastLoginAt };
      }
      const holder = await findAccountByEmail(tx, identity.email);
      if (holder && (holder.status !== "pending" || !(await deletePendingAccount(tx, holder.id)))) {
        return { kind: "email_taken" as const };
      }
      const account = await insertAccount(tx, {
        kind: "particulier",
        status: "active",
        familyName: identity.familyName,
        givenName: identity.givenName,
        email: identity.email.toLowerCase(),
        sex: identity.gender === "female" ? "F" : identity.gender === "male" ? "M" : null,
        franceConnectSub: identity.sub,
        birthdate: identity.birthdate ?? null,
        birthplace: identity.birthplace ?? null,
        birthcountry: identity.birthcountry ?? null,
        createdAt: now,
        activatedAt: now,
        lastLoginAt: now,
      });
      await addNotification(tx, account.id, "Votre compte a été créé avec FranceConnect.", now);
      return { kind: "ok" as const, account, created: true, previousLoginAt: null };
    });
  }

  /**
   * Links the FranceConnect identity met at sign-in to the account just signed in with a
   * password — only if the identity's address is this account's and the account has no other
   * identity linked: a pending link planted in someone's browser names another address. Returns
   * whether it linked.
   */
  async linkFranceConnect(account: Account, link: { sub: string; email: string }): Promise<boolean> {
    if (account.franceConnectSub || account.email.toLowerCase() !== link.email.toLowerCase()) return false;
    return this.transaction(async (tx) => {
      if (await findAccountByFranceConnectSub(tx, link.sub)) return false;
      await updateAccount(tx, account.id, { franceConnectSub: link.sub });
      await addNotification(tx, account.id, "Votre compte est désormais relié à FranceConnect.", this.clock.now());
      return true;
    });
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
