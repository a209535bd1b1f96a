/**
 * An authorization transaction moves through explicit states, and each step may only start from the
 * states listed here, so a step cannot be reached by skipping the one before it (opening the consent
 * page directly under prompt=login, say). The repository applies a step as one conditional UPDATE.
 *
 *   validated ──signIn──► authenticated ──consent──► consented ──issue──► issued
 *       ▲                     │   └──────────────issue / deny───────────────┘
 *       └───switchAccount─────┘
 */
export const TRANSACTION_STATES = ['validated', 'authenticated', 'consented', 'issued'] as const;
export type TransactionState = (typeof TRANSACTION_STATES)[number];

export interface TransactionStep {
  from: readonly TransactionState[];
  to: TransactionState;
}

export const TRANSACTION_STEPS = {
  /** The user signed in for this request (our login page, or the host's login seen at resume). */
  signIn: { from: ['validated', 'authenticated'], to: 'authenticated' },
  /** "Not you?": the request waits for another sign-in. */
  switchAccount: { from: ['authenticated'], to: 'validated' },
  /** Accept in the dialog: the grant is recorded (in the same database transaction as issue). */
  consent: { from: ['authenticated'], to: 'consented' },
  /** The response is sent: a code, tokens, or an error such as access_denied. Single use. */
  issue: { from: ['authenticated', 'consented'], to: 'issued' },
} as const satisfies Record<string, TransactionStep>;

export type TransactionStepName = keyof typeof TRANSACTION_STEPS;

export function isTransactionState(value: unknown): value is TransactionState {
  return typeof value === 'string' && (TRANSACTION_STATES as readonly string[]).includes(value);
}
