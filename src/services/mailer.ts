/**
 * Sending the account emails: nodemailer over SMTP when `mail.smtpUrl` (SMTP_URL) is set, otherwise
 * the link is written to the log, so that `npm start` shows sign-up and reset working with no mail
 * server. Sends are dispatched, not awaited by the request, and a failure is logged: whether an email
 * went out, and how long the mail server took, must not show in the response (it would tell which
 * addresses have accounts). close() waits for the sends under way.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one link the email is about, for the log when there is no SMTP server. */
  link: string | null;
}

export interface Mailer {
  dispatch(mail: Mail): void;
  close(): Promise<void>;
}

export function createMailer(settings: { from: string; smtpUrl: string | null }, logger: Logger): Mailer {
  const transport = settings.smtpUrl ? nodemailer.createTransport(settings.smtpUrl) : null;
  const pending = new Set<Promise<void>>();
  const deliver = async (mail: Mail): Promise<void> => {
    if (!transport) {
      logger.info({ to: mail.to, subject: mail.subject, link: mail.link }, `email not sent (no SMTP_URL): "${mail.subject}" to ${mail.to}: ${mail.link ?? '(no link)'}`);
      return;
    }
    await transport.sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  };
  return {
    dispatch: (mail) => {
      const sending = deliver(mail)
        .catch((err: unknown) => logger.error({ err, subject: mail.subject }, 'an account email could not be sent'))
        .finally(() => pending.delete(sending));
      pending.add(sending);
    },
    close: async () => {
      await Promise.allSettled([...pending]);
      transport?.close();
    },
  };
}
