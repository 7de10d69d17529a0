// The OpenID provider of the sign-in tests: the OpenID-certified oidc-provider package, with a
// login page of its own (agents' passwords, disabled accounts refused) and automatic consent, as
// a city's single sign-on would behave. Started by tests/servers.py on a free loopback port.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const env = process.env;

// The suite may run at another moment (MDO_TEST_NOW): the provider's clock follows the tests' clock,
// or every token would look issued in the past or the future.
const clockOffset = Number(env.OIDC_CLOCK_OFFSET_MS || 0);
if (clockOffset) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffset;
}
const accounts = JSON.parse(readFileSync(env.OIDC_ACCOUNTS, 'utf8'));
const appUrls = env.OIDC_APP_URLS.split(',');

async function findAccount(ctx, id) {
  const account = accounts[id];
  if (!account || account.disabled) return undefined;
  const { password, disabled, ...claims } = account;
  return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, ...claims }) };
}

const provider = new Provider(env.OIDC_ISSUER, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    client_secret: env.OIDC_CLIENT_SECRET,
    redirect_uris: appUrls.map((url) => `${url}/oidc/callback/`),
    post_logout_redirect_uris: appUrls.map((url) => `${url}/accounts/login/`),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  findAccount,
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['preferred_username', 'given_name', 'family_name', 'groups', 'department'],
  },
  conformIdTokenClaims: false, // the groups travel in the ID token, as Entra ID sends them
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['cle-des-cookies-du-fournisseur-de-test'] },
});

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function loginPage(res, uid, error = '') {
  res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="fr"><head><title>Annuaire de la Ville</title></head><body><main>
<h1>Annuaire de la Ville — connexion</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Identifiant</label> <input id="login" name="login" autocomplete="username">
<label for="password">Mot de passe</label> <input id="password" name="password" type="password">
<button type="submit">Valider</button></form></main></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return provider.callback()(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method !== 'POST') return loginPage(res, details.uid);
    const form = await readForm(req);
    const login = form.get('login') || '';
    const account = accounts[login];
    if (!account || account.password !== form.get('password')) return loginPage(res, details.uid, 'Identifiant ou mot de passe incorrect.');
    if (account.disabled) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'Compte désactivé' });
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } });
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(error));
  }
});

server.listen(Number(env.OIDC_PORT), '127.0.0.1');
