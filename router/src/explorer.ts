/**
 * The explorer served at `/` in development: GraphiQL (its UMD build and React's, straight from
 * node_modules, so it works offline and needs no build step), pointed at this router's /graphql, with
 * example operations in tabs. Off when introspection is off (production).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HttpApp } from '@commerce/kit/http';

const require = createRequire(import.meta.url);
const dir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

// A Map, not an object: the file name comes from the URL, and `/explorer/constructor` must find nothing.
const FILES = new Map<string, { file: string; type: string }>(Object.entries({
  'react.js': { file: path.join(dir('react'), 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: path.join(dir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: path.join(dir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: path.join(dir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
}));

const EXAMPLES = [
  {
    query: `# The catalog with reviews and their authors: three subgraphs in one request.
query ProductsWithReviews {
  products(first: 5) {
    edges {
      node {
        name
        price { amountCents currency }
        averageRating
        reviews(first: 3) {
          edges { node { rating body author { name } } }
        }
      }
    }
  }
}`,
  },
  {
    query: `# Sign in as a demo shopper, then paste the token into Headers:
# { "Authorization": "Bearer <token>" }
mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) {
    token
    user { id name }
  }
}`,
    variables: JSON.stringify({ email: 'alice@example.com', password: 'password123' }, null, 2),
  },
  {
    query: `# Needs a token (see the LogIn tab): your account, orders and what is in them.
query MyAccount {
  me {
    name
    email
    orderCount
    lifetimeSpend { amountCents currency }
    orders(first: 5) {
      edges { node { status total { amountCents } items { productName quantity } } }
    }
  }
}`,
    headers: JSON.stringify({ Authorization: 'Bearer <paste the token here>' }, null, 2),
  },
];

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Commerce supergraph explorer</title>
  <link rel="stylesheet" href="/explorer/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the explorer…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: ${JSON.stringify(EXAMPLES)},
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
      }),
    );
  </script>
</body>
</html>`;
}

export function serveExplorer(app: HttpApp): void {
  const html = page();
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get<{ Params: { file: string } }>('/explorer/:file', async (request, reply) => {
    const asset = FILES.get(request.params.file);
    if (!asset) return reply.status(404).send({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(await readFile(asset.file));
  });
}
