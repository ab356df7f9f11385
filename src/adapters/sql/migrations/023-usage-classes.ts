// Usage classes (docs/decisions/027-usage-classes.md): each model prices a cached prompt token and a reasoning token
// by its own factor of the demand price, in basis points; each usage record keeps its cached and reasoning tokens
// and the price of each class it was billed at. Rows from before had neither class, so their class prices are their
// prompt and completion prices (0 tokens × any price adds nothing to their cost).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table models
      add column cached_prompt_price_bps integer not null default 2500
        check (cached_prompt_price_bps between 0 and 10000),
      add column reasoning_price_bps integer not null default 10000
        check (reasoning_price_bps between 0 and 40000)`.execute(db);
  await sql`
    alter table usage_records
      add column cached_tokens integer not null default 0 check (cached_tokens >= 0 and cached_tokens <= prompt_tokens),
      add column reasoning_tokens integer not null default 0
        check (reasoning_tokens >= 0 and reasoning_tokens <= completion_tokens),
      add column cached_prompt_price bigint,
      add column reasoning_price bigint`.execute(db);
  await sql`update usage_records set cached_prompt_price = prompt_price, reasoning_price = completion_price`.execute(
    db,
  );
  await sql`
    alter table usage_records
      alter column cached_prompt_price set not null,
      alter column reasoning_price set not null`.execute(db);
}
