/**
 * Moving between pages inside the app: start at the top and put the focus on the new page's heading, so screen
 * readers say where the reader is now. The first page the browser loads keeps the browser's own behaviour.
 */
import { useEffect, type RefObject } from 'react';

let firstPage = true;

export function useFocusOnNavigate(heading: RefObject<HTMLElement | null>, ready = true): void {
  useEffect(() => {
    if (!ready) return;
    if (firstPage) {
      firstPage = false;
      return;
    }
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, [ready, heading]);
}

export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} — Plenum`;
  }, [title]);
}
