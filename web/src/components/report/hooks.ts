import { useEffect, useState } from 'react';

/** The value, once it has stopped changing for `ms` (announcements and searches should not follow every keystroke). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The window's title names the page (WCAG 2.4.2), e.g. "Meeting report · Plenum". */
export function useDocumentTitle(title: string | null) {
  useEffect(() => {
    if (!title) return;
    const before = document.title;
    document.title = `${title} · Plenum`;
    return () => {
      document.title = before;
    };
  }, [title]);
}
