/**
 * Every string the app shows comes from a catalog: web/src/locales/<language>/<area>.json. Adding a language is
 * adding a folder of catalogs (its name comes from Intl); test/web/catalogs.test.ts checks every
 * language has every key. Dates and numbers go through Intl in the current language.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

// The office pages' catalogs load with the office chunk (see app.tsx), the verifiable record's (`record`: signing keys,
// the record check), the challenges' (`challenges`: a unit's challenges, the commission's page) and the decisions'
// (`decisions`: the register, the decision, the conference, notices) with the pages that use them; everything else is
// in the main bundle.
const files = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*/*.json', '!./locales/*/office.json', '!./locales/*/record.json', '!./locales/*/challenges.json', '!./locales/*/decisions.json', '!./locales/*/conference-office.json'], {
  eager: true,
});
const lazyFiles = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*/office.json', './locales/*/record.json', './locales/*/challenges.json', './locales/*/decisions.json', './locales/*/conference-office.json']);
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
const place = (path: string) => /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
for (const [path, mod] of Object.entries(files)) {
  const m = place(path);
  if (!m) continue;
  (resources[m[1]!] ??= {})[m[2]!] = mod.default;
}

/** Loads a lazily split namespace (`office`, `record`, `challenges`) in every language, once. */
export async function loadNamespace(ns: string): Promise<void> {
  await Promise.all(
    Object.entries(lazyFiles)
      .filter(([path]) => place(path)?.[2] === ns)
      .map(async ([path, load]) => {
        const m = place(path)!;
        if (!i18n.hasResourceBundle(m[1]!, ns)) i18n.addResourceBundle(m[1]!, ns, (await load()).default);
      }),
  );
}

export const LANGUAGES = Object.keys(resources).sort();

/** A language's name in itself ("English", "Русский"), from Intl: adding a language needs no entry in other catalogs. */
export function languageName(code: string): string {
  const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
}
const STORAGE_KEY = 'plenum.language';

function initialLanguage(): string {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (saved && LANGUAGES.includes(saved)) return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0]!;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(resources.en ?? {}),
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

document.documentElement.lang = i18n.language;
i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  localStorage.setItem(STORAGE_KEY, lng);
});

export default i18n;

/** Numbers and dates in the current language. */
export const fmt = {
  number: (n: number) => new Intl.NumberFormat(i18n.language).format(n),
  percent: (n: number, d: number) => (d === 0 ? '—' : new Intl.NumberFormat(i18n.language, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n / d)),
  dateTime: (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso)),
  date: (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(iso)),
  time: (iso: string) => new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' }).format(new Date(iso)),
};
