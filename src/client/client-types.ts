/** JSON shapes of the HTTP API, for client code (Mailpit's field names plus catchall's). */

export interface AddressJson {
  Name: string;
  Address: string;
}

export interface MessageSummaryJson {
  ID: string;
  MessageID: string;
  Read: boolean;
  From: AddressJson;
  To: AddressJson[];
  Cc: AddressJson[];
  Bcc: AddressJson[];
  ReplyTo: AddressJson[];
  Subject: string;
  Created: string;
  Username: string;
  Tags: string[];
  Size: number;
  Attachments: number;
  Snippet: string;
}

export interface MessagesListJson {
  total: number;
  unread: number;
  count: number;
  messages_count: number;
  messages_unread: number;
  start: number;
  tags: string[];
  messages: MessageSummaryJson[];
}

export interface PartJson {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  Checksums: { MD5: string; SHA1: string; SHA256: string };
}

export interface MessageJson {
  ID: string;
  MessageID: string;
  From: AddressJson;
  To: AddressJson[];
  Cc: AddressJson[];
  Bcc: AddressJson[];
  ReplyTo: AddressJson[];
  ReturnPath: string;
  Subject: string;
  ListUnsubscribe: { Header: string; Links: string[]; Errors: string; HeaderPost: string };
  Date: string;
  Tags: string[];
  Username: string;
  Text: string;
  HTML: string;
  Size: number;
  Inline: PartJson[];
  Attachments: PartJson[];
  /** catchall: when it was received. */
  Created: string;
  /** catchall: the SMTP session it arrived on ('' for the send API). */
  SessionID: string;
  /** catchall: the SMTP envelope. */
  Envelope: {
    From: string;
    To: string[];
    Helo: string;
    ClientAddress: string;
    AuthUser: string;
    TLS: { Protocol: string; Cipher: string } | null;
    SMTPUTF8: boolean;
  };
  /** catchall: why the MIME could not be parsed, '' when it could. */
  ParseError: string;
}

export interface CodeJson {
  Value: string;
  Display: string;
  Source: 'subject' | 'text' | 'html';
  Context: string;
}

export interface LinkJson {
  URL: string;
  Text: string;
  Kind: 'verify' | 'reset' | 'login' | 'unsubscribe' | 'other';
  Source: 'html' | 'text' | 'header';
}

export interface ExtractJson {
  /** catchall: the message the codes and links come from. */
  ID: string;
  Codes: CodeJson[];
  Links: LinkJson[];
}

export interface SessionSummaryJson {
  ID: string;
  Started: string;
  Ended: string | null;
  Listener: 'smtp' | 'smtps';
  ClientAddress: string;
  ClientPort: number;
  Helo: string;
  AuthUser: string;
  AuthMethod: string;
  TLS: { Protocol: string; Cipher: string } | null;
  MessageIDs: string[];
  TranscriptTruncated: boolean;
}

export interface SessionJson extends SessionSummaryJson {
  Transcript: { At: string; Dir: 'C' | 'S' | '*'; Text: string }[];
}

export interface SessionsListJson {
  total: number;
  start: number;
  count: number;
  sessions: SessionSummaryJson[];
}
