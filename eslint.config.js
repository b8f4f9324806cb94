// Code lint for the TypeScript sources. Its main job is STYLE rule 5: a subgraph never imports another
// subgraph (nor its Prisma client); what they share goes through @commerce/kit, and what they learn
// about each other comes from events or the supergraph.
import tseslint from 'typescript-eslint';

const SERVICES = ['users', 'products', 'reviews', 'orders'];

// KafkaJS stays behind the kit module that wraps it (docs/decisions.md: its successors, what moving takes).
const kafkaOnlyThroughKit = { group: ['kafkajs'], message: 'Use @commerce/kit/events/kafka (createKafka and the types it re-exports): KafkaJS stays behind that one module.' };

const ownClientOnlyInDb = { group: ['**/generated/prisma/*'], message: "Import a service's Prisma client only through its own db.ts." };

const noOtherSubgraphs = (service) => ({
  files: [`subgraphs/${service}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [ownClientOnlyInDb, kafkaOnlyThroughKit, ...SERVICES.filter((other) => other !== service).flatMap((other) => [
          { group: [`@commerce/${other}`, `@commerce/${other}/*`], message: 'Subgraphs do not import each other: share through @commerce/kit, learn through events.' },
          { group: [`**/${other}/src/**`, `**/subgraphs/${other}/**`], message: `Never reach into the ${other} subgraph (or its Prisma client).` },
        ])],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '.data/**', '.cache/**', 'clients/**/dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...SERVICES.map(noOtherSubgraphs),
  {
    // A service's own db.ts is where its generated client comes in.
    files: ['subgraphs/*/src/db.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [kafkaOnlyThroughKit] }] },
  },
  {
    // The kit, the router, and the tools are not subgraphs; of the rules above only KafkaJS's applies.
    files: ['subgraphs/kit/**/*.ts', 'router/**/*.ts', 'deploy/**/*.ts', 'bench/**/*.ts', 'schema/**/*.ts', 'prisma/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [kafkaOnlyThroughKit] }] },
  },
  {
    // The wrapper itself (and its unit tests, which build KafkaJS's own errors), and the test harnesses,
    // which drive a broker directly to check what the code does.
    files: ['subgraphs/kit/src/events/kafka.ts', 'subgraphs/kit/src/events/kafka*.test.ts', 'subgraphs/kit/src/testing.ts', 'subgraphs/*/test/**/*.ts', 'tests/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
