// Arrow-key navigation with a roving tabindex over a table of focusable cells
// (cells carry data-row / data-col style attributes named by the caller).

export function rovingGrid(table: HTMLElement, cellSelector: string, rowAttr: string, colAttr: string): void {
  const cells = Array.from(table.querySelectorAll<HTMLElement>(cellSelector));
  if (cells.length === 0) return;
  cells.forEach((c, i) => (c.tabIndex = i === 0 ? 0 : -1));
  const at = (r: number, c: number) => table.querySelector<HTMLElement>(`${cellSelector}[data-${rowAttr}="${r}"][data-${colAttr}="${c}"]`);
  table.addEventListener('keydown', (ev) => {
    const cell = (ev.target as HTMLElement).closest<HTMLElement>(cellSelector);
    if (!cell) return;
    const r = Number(cell.getAttribute(`data-${rowAttr}`));
    const c = Number(cell.getAttribute(`data-${colAttr}`));
    const d: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const m = d[ev.key];
    if (!m) return;
    const next = at(r + m[0], c + m[1]);
    if (!next) return;
    ev.preventDefault();
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

/**
 * Where a key moves the focus in a rows x cols grid (the token view: layers x tokens): arrows by
 * one, Home/End to the row's ends, PageUp/PageDown to the first/last row; undefined for other keys.
 * The caller clamps.
 */
export function gridMove(key: string, row: number, col: number, rows: number, cols: number): [number, number] | undefined {
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [row, col - 1],
    ArrowRight: [row, col + 1],
    ArrowUp: [row - 1, col],
    ArrowDown: [row + 1, col],
    Home: [row, 0],
    End: [row, cols - 1],
    PageUp: [0, col],
    PageDown: [rows - 1, col],
  };
  return moves[key];
}
