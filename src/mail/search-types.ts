/** A parsed search: every term must hold (Mailpit's search is a conjunction). */
export type SearchQuery = readonly SearchTerm[];

/** Where a text term looks: one address field, the subject, the Message-ID, or everything. */
export type TextField =
  'any' | 'to' | 'from' | 'cc' | 'bcc' | 'reply-to' | 'addressed' | 'subject' | 'message-id';

export type SearchTerm =
  | { readonly kind: 'text'; readonly field: TextField; readonly value: string; readonly negate: boolean }
  | { readonly kind: 'tag'; readonly value: string; readonly negate: boolean }
  | {
      readonly kind: 'flag';
      readonly flag: 'read' | 'unread' | 'tagged' | 'attachment' | 'inline';
      readonly negate: boolean;
    }
  | { readonly kind: 'date'; readonly op: 'before' | 'after'; readonly ms: number; readonly negate: boolean }
  | {
      readonly kind: 'size';
      readonly op: 'larger' | 'smaller';
      readonly bytes: number;
      readonly negate: boolean;
    };
