// Paging through a list route: the API pages by cursor (`after` = the last row of the page before, `has_more`), so
// the console keeps the cursors of the pages behind the current one to go back, and starts again at page 1 when
// the query (filters or page size) changes.
import { useState } from 'preact/hooks';

export const PAGE_SIZES = [10, 25, 50, 100] as const;

export type Pages = {
  page: number;
  size: number;
  /** the cursor for the current page's query; undefined on page 1 */
  after: string | undefined;
  next: (lastRowId: string) => void;
  prev: () => void;
  resize: (size: number) => void;
};

/** `query`: what the rows are filtered by; a different query is a different list, read from its first page. */
export function usePages(query: string, initialSize = 25): Pages {
  const [size, setSize] = useState(initialSize);
  const [state, setState] = useState<{ query: string; cursors: string[] }>({ query, cursors: [] });
  const scope = `${query}|${size}`;
  const cursors = state.query === scope ? state.cursors : [];
  return {
    page: cursors.length + 1,
    size,
    after: cursors.at(-1),
    next: (lastRowId) => setState({ query: scope, cursors: [...cursors, lastRowId] }),
    prev: () => setState({ query: scope, cursors: cursors.slice(0, -1) }),
    resize: setSize,
  };
}

export function Pager(props: {
  pages: Pages;
  hasMore: boolean | undefined;
  lastRowId: string | undefined;
  label: string;
}) {
  const { pages, lastRowId } = props;
  return (
    <div class="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={pages.page === 1} onClick={pages.prev}>
        Prev
      </button>
      <span data-testid={`${props.label}-page`}>Page {pages.page}</span>
      <button
        type="button"
        disabled={!props.hasMore || lastRowId === undefined}
        onClick={() => lastRowId !== undefined && pages.next(lastRowId)}
      >
        Next
      </button>
      <label>
        <select
          aria-label={`${props.label} page size`}
          value={pages.size}
          onChange={(e) => pages.resize(Number(e.currentTarget.value))}
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>{' '}
        per page
      </label>
    </div>
  );
}
