// A real OpenID provider for the tests: panva's certified oidc-provider (frontend's npm
// devDependency), on 127.0.0.1 and a free port, with Entra-shaped claims. Never reaches the
// internet: its sign-in page is the plain one below, with no fonts or scripts from elsewhere.
//
//   node tests/oidc/provider.mjs '{"secret": "...", "tenant": "..."}'
//
// prints one line of JSON once it listens: {"issuer": "http://127.0.0.1:PORT"}.
//
// Clients (the same secret, a different token endpoint authentication method each, which the
// token endpoint insists on):
//   assure-post   client_secret_post
//   assure-basic  client_secret_basic
// Any redirect URI on 127.0.0.1, localhost or testserver ending /oidc/callback/ is accepted.
//
// People: whatever login is typed on the sign-in page is the person's user principal name
// (preferred_username); the password is not checked (the provider's job, not Assure's).
// "accounts" in the configuration overrides claims for a login (a mailbox-less account, a
// renamed one). As with Microsoft Entra ID, the ID token carries preferred_username, oid and
// tid, and the user-information endpoint does not.
//
// For the tests of a provider that misbehaves, POST /_test/tamper?mode=M changes every
// ID token the token endpoint issues from then on (mode "" puts it back):
//   aud        issued to another client          iss        from another issuer
//   expired    expired ten minutes ago           signature  signed with another key, same kid
//   nonce      a nonce Assure did not send       bad_json   a token response that is not JSON
//   userinfo_sub   user information about another person (a different sub)

import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = path.resolve(here, '..', '..', 'frontend', 'node_modules', 'oidc-provider');
const { default: Provider } = await import(pathToFileURL(path.join(modulePath, 'lib', 'index.js')));

const options = JSON.parse(process.argv[2] || '{}');
const SECRET = options.secret || 'assure-test-secret-0123456789';
const TENANT = options.tenant || '7e1c9a52-0d4f-4f5e-9a31-5a7b1c2d3e4f';
const ACCOUNTS = options.accounts || {};
const KID = 'assure-test-key';
const CALLBACK_HOSTS = new Set(['127.0.0.1', 'localhost', 'testserver']);

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey;
}
const key = signingKey();
const otherKey = signingKey();
let tamper = '';

function uuidFrom(text) {
  const hex = crypto.createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function claimsFor(login) {
  const local = login.split('@')[0];
  const parts = local.split(/[._-]+/).filter(Boolean);
  const name = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join(' ') || login;
  return {
    preferred_username: login,
    email: login.includes('@') ? login.toLowerCase() : `${local.toLowerCase()}@council.example`,
    name,
    given_name: parts[0] ? name.split(' ')[0] : '',
    family_name: parts.length > 1 ? name.split(' ').slice(1).join(' ') : '',
    oid: uuidFrom(`oid:${login.toLowerCase()}`),
    tid: TENANT,
    ...(ACCOUNTS[login] || {}),
  };
}

// Entra's user-information endpoint answers only these.
const USERINFO_CLAIMS = new Set(['sub', 'name', 'given_name', 'family_name', 'email', 'picture']);

const configuration = {
  clients: ['client_secret_post', 'client_secret_basic'].map((method) => ({
    client_id: method === 'client_secret_post' ? 'assure-post' : 'assure-basic',
    client_secret: SECRET,
    token_endpoint_auth_method: method,
    redirect_uris: ['http://testserver/oidc/callback/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  })),
  jwks: { keys: [{ ...key.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] },
  cookies: {
    keys: [crypto.randomBytes(32).toString('hex')],
    long: { signed: true, sameSite: 'lax' },
    short: { signed: true, sameSite: 'lax' },
  },
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'oid', 'tid'],
  },
  conformIdTokenClaims: false, // scope claims in the ID token too, as Entra does
  features: { devInteractions: { enabled: false } },
  pkce: { methods: ['S256'], required: () => true },
  // Consent granted by the council's administrator, as Entra's "admin consent".
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const login = sub;
    return {
      accountId: login,
      async claims(use) {
        const all = { sub: uuidFrom(`sub:${login.toLowerCase()}`).replaceAll('-', ''), ...claimsFor(login) };
        if (use === 'userinfo') {
          return Object.fromEntries(Object.entries(all).filter(([k]) => USERINFO_CLAIMS.has(k)));
        }
        return all;
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<p id="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
  ttl: { Session: 3600, Interaction: 600, AuthorizationCode: 120, IdToken: 600, AccessToken: 600, Grant: 3600 },
};

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function resign(idToken, change, withKey) {
  const [header, payload] = idToken.split('.');
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString()));
  const input = `${header}.${b64url(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(input), withKey);
  return `${input}.${signature.toString('base64url')}`;
}

const TAMPERS = {
  aud: (t) => resign(t, (c) => ({ ...c, aud: 'someone-else' }), key),
  iss: (t) => resign(t, (c) => ({ ...c, iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }), key),
  expired: (t) => {
    const now = Math.floor(Date.now() / 1000);
    return resign(t, (c) => ({ ...c, iat: now - 4200, exp: now - 600 }), key);
  },
  signature: (t) => resign(t, (c) => c, otherKey),
  nonce: (t) => resign(t, (c) => ({ ...c, nonce: 'not-the-nonce-assure-sent' }), key),
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);

  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' && CALLBACK_HOSTS.has(url.hostname)
        && url.pathname === '/oidc/callback/' && !url.search && !url.hash;
    } catch {
      return false;
    }
  };

  provider.use(async (ctx, next) => {
    await next();
    // Strict about the registered method, as some providers are (oidc-provider itself
    // takes either): a client registered for one is refused when it uses the other.
    if (ctx.path === '/token' && ctx.method === 'POST' && ctx.oidc?.client) {
      const registered = ctx.oidc.client.clientAuthMethod;
      const usedBasic = /^basic /i.test(ctx.headers.authorization || '');
      if ((registered === 'client_secret_basic') !== usedBasic) {
        ctx.status = 401;
        ctx.type = 'json';
        ctx.body = { error: 'invalid_client', error_description: `this client must use ${registered}` };
        return;
      }
    }
    if (ctx.path === '/me' && ctx.status === 200 && tamper === 'userinfo_sub') {
      ctx.body = { ...ctx.body, sub: 'someone-else' };
      return;
    }
    if (ctx.path !== '/token' || ctx.status !== 200 || !tamper) return;
    if (tamper === 'bad_json') {
      ctx.type = 'json';
      ctx.body = '{"id_token": "not closed';
    } else if (ctx.body?.id_token && TAMPERS[tamper]) {
      ctx.body = { ...ctx.body, id_token: TAMPERS[tamper](ctx.body.id_token) };
    }
  });

  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (url.pathname === '/_test/tamper' && req.method === 'POST') {
        tamper = url.searchParams.get('mode') || '';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tamper }));
      } else if (/^\/interaction\/[^/]+$/.test(url.pathname) && req.method === 'GET') {
        const details = await provider.interactionDetails(req, res);
        const cancel = `${url.pathname}/cancel`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page('Sign in to the council', `<form method="post" action="${escape(url.pathname)}">
<label for="login">Council account</label> <input id="login" name="login" required value="${escape(details.params.login_hint || '')}">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form>
<form method="post" action="${escape(cancel)}"><button type="submit">Cancel</button></form>`));
      } else if (/^\/interaction\/[^/]+$/.test(url.pathname) && req.method === 'POST') {
        const body = new URLSearchParams(await read(req));
        const login = (body.get('login') || '').trim();
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      } else if (/^\/interaction\/[^/]+\/cancel$/.test(url.pathname) && req.method === 'POST') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The person cancelled signing in',
        }, { mergeWithLastSubmission: false });
      } else {
        callback(req, res);
      }
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign-in error', `<p id="error">${escape(error.message)}</p>`));
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
