// Keyset paging on list routes: a page is asked for with `after`, the id of the last row of the previous page (rows
// are listed newest first), and answers `has_more`. Unlike an offset, a cursor does not shift while new rows arrive.
import { z } from 'zod';

export const pageAfterSchema = z.string().min(1).max(200).optional();
