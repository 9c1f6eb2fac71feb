import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns changes of src/db/schema.ts into a new SQL migration in drizzle/.
// Never edit a migration that has landed: generate a new one.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
