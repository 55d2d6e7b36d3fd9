/** The rows of a fixed-height grid (or list, with one column) worth putting in the DOM: those in view, plus some either side. */
export interface VirtualWindow {
  columns: number;
  rows: number;
  /** Item indexes [start, end) to render. */
  start: number;
  end: number;
  /** Pixels above the first rendered row, and the height of everything. */
  offset: number;
  total: number;
}

export function virtualWindow(options: {
  count: number;
  width: number;
  minColumnWidth: number;
  gap: number;
  rowHeight: number;
  scrollTop: number;
  viewport: number;
  overscanRows?: number;
}): VirtualWindow {
  const { count, rowHeight, gap } = options;
  const columns = Math.max(1, Math.floor((options.width + gap) / (options.minColumnWidth + gap)));
  const rows = Math.ceil(count / columns);
  const overscan = options.overscanRows ?? 2;
  const firstRow = Math.max(0, Math.floor(options.scrollTop / rowHeight) - overscan);
  const lastRow = Math.min(rows, Math.ceil((options.scrollTop + options.viewport) / rowHeight) + overscan);
  return {
    columns,
    rows,
    start: Math.min(count, firstRow * columns),
    end: Math.min(count, lastRow * columns),
    offset: firstRow * rowHeight,
    total: rows * rowHeight,
  };
}

/** The scrollTop that brings a row into view, or null when it is in view already. */
export function scrollToRow(row: number, rowHeight: number, scrollTop: number, viewport: number): number | null {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return null;
}

export const px = (value: number): string => `${value}px`;

/** An attachment that reports an element's size now and whenever it changes (where ResizeObserver exists). */
export function measureSize(report: (width: number, height: number) => void): (element: HTMLElement) => () => void {
  return (element) => {
    report(element.clientWidth, element.clientHeight);
    if (typeof ResizeObserver === 'undefined') return () => undefined;
    const observer = new ResizeObserver(() => report(element.clientWidth, element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
