/**
 * What a page shows that is not a fixed text: a key with its values, an API's own words (with their
 * translations), or an English sentence from a service. Services raise their errors in English (they
 * know nothing of the page's language); here each sentence is matched against the English texts of
 * the `error.*` and `login.*` keys, placeholders included, and shown in the page's language, as gettext
 * does with its msgids. A sentence no key matches (e.g. a protocol detail) is shown as it is.
 */
import type { ScopeText } from '../domain/scopeCatalog.js';
import { DEFAULT_TEXTS, type Locale, type TextKey, type TextVar, type Translate } from './texts.js';

export type PageText = string | { key: TextKey; vars?: Record<string, TextVar> } | { text: string; byLocale?: Readonly<Partial<Record<string, string>>> };

// The scope catalog names its texts by key without importing this layer: this fails to compile if one is not a key.
const SCOPE_TEXTS_ARE_PAGE_TEXTS = (text: ScopeText): PageText => text;
void SCOPE_TEXTS_ARE_PAGE_TEXTS;

interface MessagePattern {
  key: TextKey;
  pattern: RegExp;
  names: string[];
}

const MESSAGE_KEYS = (Object.keys(DEFAULT_TEXTS) as TextKey[]).filter((key) => key.startsWith('error.') || key.startsWith('login.'));
const EXACT = new Map<string, TextKey>(MESSAGE_KEYS.filter((key) => !DEFAULT_TEXTS[key].includes('{')).map((key) => [DEFAULT_TEXTS[key], key]));
const PATTERNS: MessagePattern[] = MESSAGE_KEYS.filter((key) => DEFAULT_TEXTS[key].includes('{')).map((key) => {
  const names: string[] = [];
  const source = DEFAULT_TEXTS[key]
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([\\s\\S]+?)';
    })
    .join('');
  return { key, pattern: new RegExp(`^${source}$`), names };
});

/** The key of an English message, with its placeholders' values, or null when no key has this text. */
export function findMessageKey(message: string): { key: TextKey; vars: Record<string, string> } | null {
  const exact = EXACT.get(message);
  if (exact) return { key: exact, vars: {} };
  for (const { key, pattern, names } of PATTERNS) {
    const match = pattern.exec(message);
    if (match) return { key, vars: Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])) };
  }
  return null;
}

/** The templates' `say(text)`: any PageText in the page's language. */
export function sayer(t: Translate, locale: Locale): (text: PageText | null | undefined) => string {
  return (text) => {
    if (text === null || text === undefined) return '';
    if (typeof text === 'string') {
      const found = findMessageKey(text);
      return found ? t(found.key, found.vars) : text;
    }
    if ('key' in text) return t(text.key, text.vars);
    return text.byLocale?.[locale] || text.text;
  };
}
