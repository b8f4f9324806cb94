import { ApolloProvider } from '@apollo/client/react';
import { StrictMode, useCallback, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { createClient } from './apollo';
import { loadConfig } from './config';
import { Layout } from './components/Layout';
import { MyOrders } from './pages/MyOrders';
import { OrderPage } from './pages/OrderPage';
import { ProductList } from './pages/ProductList';
import { ProductPage } from './pages/ProductPage';
import { SignIn } from './pages/SignIn';
import { SessionProvider } from './session';
import './styles.css';

function App({ graphqlUrl }: { graphqlUrl: string }) {
  const client = useMemo(() => createClient(graphqlUrl), [graphqlUrl]);
  // A new identity sees different data (e-mail, orders): start from an empty cache.
  const onSessionChange = useCallback(() => void client.resetStore(), [client]);
  return (
    <ApolloProvider client={client}>
      <SessionProvider onChange={onSessionChange}>
        <BrowserRouter>
          <Layout>
            <Routes>
              <Route path="/" element={<ProductList />} />
              <Route path="/products/:id" element={<ProductPage />} />
              <Route path="/orders" element={<MyOrders />} />
              <Route path="/orders/:id" element={<OrderPage />} />
              <Route path="/sign-in" element={<SignIn />} />
            </Routes>
          </Layout>
        </BrowserRouter>
      </SessionProvider>
    </ApolloProvider>
  );
}

const config = await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App graphqlUrl={config.graphqlUrl} />
  </StrictMode>,
);
