/** An error smtp-server turns into a reply: `responseCode` and the text after it. */
export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpError(responseCode: number, text: string): SmtpReplyError {
  return Object.assign(new Error(text), { responseCode });
}
