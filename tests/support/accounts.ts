/** Accounts for tests: fresh shoppers with unique e-mails, and the seeded admin. */
import type { GraphQLClient } from '@commerce/stack/client';
import { router, run, unique } from './run.js';

export interface Account {
  id: string;
  email: string;
  name: string;
  token: string;
  client: GraphQLClient;
}

export const PASSWORD = 'correct horse battery';

export async function signUp(name = 'Shopper'): Promise<Account> {
  const email = `${unique(name.toLowerCase().replace(/\W/g, ''))}@example.test`;
  const { signUp: payload } = await router.data<{ signUp: { token: string; user: { id: string } } }>(
    'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id } } }',
    { input: { email, name, password: PASSWORD } },
  );
  return { id: payload.user.id, email, name, token: payload.token, client: router.withToken(payload.token) };
}

let admin: Promise<Account> | null = null;

export function asAdmin(): Promise<Account> {
  admin ??= router
    .data<{ logIn: { token: string; user: { id: string; name: string } } }>(
      'mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { token user { id name } } }',
      { email: run.adminEmail, password: run.adminPassword },
    )
    .then(({ logIn }) => ({
      id: logIn.user.id,
      email: run.adminEmail,
      name: logIn.user.name,
      token: logIn.token,
      client: router.withToken(logIn.token),
    }));
  return admin;
}
