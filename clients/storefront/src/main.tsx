import { ApolloProvider } from '@apollo/client/react';
import { StrictMode, useCallback, useMemo, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { createClient } from './apollo';
import { CartProvider } from './cart';
import { loadConfig } from './config';
import { Layout } from './components/Layout';
import { RequireSession } from './components/RequireSession';
import { Account } from './pages/Account';
import { AdminOrders } from './pages/admin/AdminOrders';
import { AdminProductForm } from './pages/admin/AdminProductForm';
import { AdminProducts } from './pages/admin/AdminProducts';
import { Cart } from './pages/Cart';
import { MyOrders } from './pages/MyOrders';
import { NotFound } from './pages/NotFound';
import { OrderPage } from './pages/OrderPage';
import { ProductList } from './pages/ProductList';
import { ProductPage } from './pages/ProductPage';
import { SignIn } from './pages/SignIn';
import { SessionProvider } from './session';
import './styles.css';

function App({ graphqlUrl }: { graphqlUrl: string }) {
  const client = useMemo(() => createClient(graphqlUrl), [graphqlUrl]);
  // A new identity sees different data (e-mail, orders): start from an empty cache and re-read what is shown.
  const onSessionChange = useCallback(() => void client.resetStore().catch(() => undefined), [client]);
  const signedIn = (page: ReactNode, admin = false) => <RequireSession admin={admin}>{page}</RequireSession>;
  return (
    <ApolloProvider client={client}>
      <SessionProvider onChange={onSessionChange}>
        <CartProvider>
          <BrowserRouter>
            <Layout>
              <Routes>
                <Route path="/" element={<ProductList />} />
                <Route path="/products/:id" element={<ProductPage />} />
                <Route path="/sign-in" element={<SignIn />} />
                <Route path="/cart" element={signedIn(<Cart />)} />
                <Route path="/orders" element={signedIn(<MyOrders />)} />
                <Route path="/orders/:id" element={signedIn(<OrderPage />)} />
                <Route path="/account" element={signedIn(<Account />)} />
                <Route path="/admin/products" element={signedIn(<AdminProducts />, true)} />
                <Route path="/admin/products/new" element={signedIn(<AdminProductForm />, true)} />
                <Route path="/admin/products/:id" element={signedIn(<AdminProductForm />, true)} />
                <Route path="/admin/orders" element={signedIn(<AdminOrders />, true)} />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </Layout>
          </BrowserRouter>
        </CartProvider>
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
