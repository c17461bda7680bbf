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
