// English and French (W1): every string of the UI comes from the message files in en/ and fr/,
// one file per area, merged here. t('area.key', { name }) fills {name}.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

type Messages = Record<string, string>;

function merge(files: Record<string, { default: Record<string, string> }>): Messages {
  const out: Messages = {};
  for (const [path, file] of Object.entries(files)) {
    // errors-<area>.json files all add to the `errors` area (server error codes).
    const area = (path.split('/').pop()?.replace('.json', '') ?? '').replace(/^errors-.*/, 'errors');
    for (const [key, value] of Object.entries(file.default)) out[`${area}.${key}`] = value;
  }
  return out;
}

const MESSAGES: Record<Language, Messages> = {
  en: merge(import.meta.glob('./en/*.json', { eager: true })),
  fr: merge(import.meta.glob('./fr/*.json', { eager: true })),
};

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = 'fuseguard.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLanguageState(next);
  }, []);
  const t = useCallback<Translate>((key, vars) => {
    const template = MESSAGES[language][key] ?? MESSAGES.en[key] ?? key;
    return vars ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : template;
  }, [language]);
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

export const useT = (): Translate => useI18n().t;

/** Numbers and times in the user's language. */
export function useFormat() {
  const { language } = useI18n();
  return useMemo(() => {
    const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
    return {
      number: (value: number, digits = 1) => value.toLocaleString(locale, { maximumFractionDigits: digits }),
      dateTime: (at: number | null | undefined) => (at == null ? '—' : new Date(at).toLocaleString(locale)),
      time: (at: number | null | undefined) => (at == null ? '—' : new Date(at).toLocaleTimeString(locale)),
    };
  }, [language]);
}
