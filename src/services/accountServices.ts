/** The database connection's account flows, built once per server around one mailer. */
import type { AuthContext } from '../context.js';
import { AccountTokens } from './accountTokens.js';
import { EmailVerificationService } from './emailVerificationService.js';
import type { Mailer } from './mailer.js';
import { PasswordResetService } from './passwordResetService.js';
import { SignupService } from './signupService.js';

export interface AccountServices {
  verification: EmailVerificationService;
  resets: PasswordResetService;
  signups: SignupService;
}

export function createAccountServices(ctx: AuthContext, mailer: Mailer): AccountServices {
  const tokens = new AccountTokens(ctx);
  const verification = new EmailVerificationService(ctx, tokens, mailer);
  const resets = new PasswordResetService(ctx, tokens, mailer);
  return { verification, resets, signups: new SignupService(ctx, verification, resets) };
}
