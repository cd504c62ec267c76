/**
 * The drill-down's rows when many are loaded: only those near the window are in the page, the rest are spacer rows of
 * their height. Its own chunk (with @tanstack/react-virtual), loaded only when a list grows that long.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { UnitRow } from './UnitRow.tsx';
import type { Discussion, ListedUnit } from './types.ts';

export default function VirtualRows({ items, discussion, showParent }: { items: ListedUnit[]; discussion: Discussion; showParent: boolean }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [margin, setMargin] = useState(0);
  // Where the list starts on the page; what is above it (the figures) can change height as they load.
  useLayoutEffect(() => {
    if (!body.current) return;
    const m = Math.round(body.current.getBoundingClientRect().top + window.scrollY);
    if (m !== margin) setMargin(m);
  });
  const v = useWindowVirtualizer({ count: items.length, estimateSize: () => 76, overscan: 10, scrollMargin: margin });
  const rows = v.getVirtualItems();
  const before = rows.length ? rows[0]!.start - margin : 0;
  const after = rows.length ? v.getTotalSize() - (rows[rows.length - 1]!.end - margin) : 0;
  return (
    <tbody ref={body}>
      {before > 0 ? (
        <tr aria-hidden="true" className="pub-spacer">
          <td colSpan={4} style={{ height: before }} />
        </tr>
      ) : null}
      {rows.map((r) => (
        <UnitRow key={items[r.index]!.id} unit={items[r.index]!} discussion={discussion} index={r.index} showParent={showParent} ref={v.measureElement} />
      ))}
      {after > 0 ? (
        <tr aria-hidden="true" className="pub-spacer">
          <td colSpan={4} style={{ height: after }} />
        </tr>
      ) : null}
    </tbody>
  );
}

