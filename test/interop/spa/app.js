// A single-page app as its authors would write it with auth0-spa-js, plus window.spa so the test can
// press its buttons. Every outcome is published on window.spaState / window.spaResult and in the DOM.
(function () {
  'use strict';
  var MODE_KEY = 'spa-test-mode';
  var config = window.SPA_CONFIG;

  function publish(state, result) {
    window.spaState = state;
    window.spaResult = result;
    document.getElementById('status').textContent = state;
    document.getElementById('result').textContent = JSON.stringify(result, null, 2);
  }

  function describe(e) {
    return { error: (e && (e.error || e.name)) || 'unknown', description: (e && (e.error_description || e.message)) || String(e) };
  }

  // 'iframe': silent authentication through /authorize?prompt=none&response_mode=web_message.
  // 'refresh': useRefreshTokens, the refresh token kept in the SDK's web worker (its default).
  function createClient(mode) {
    return window.auth0.createAuth0Client({
      // getDomain keeps a domain that already has a scheme, so http:// reaches the test issuer as is.
      domain: config.domain,
      clientId: config.clientId,
      authorizationParams: { redirect_uri: window.location.origin + '/', audience: config.audience, scope: config.scope },
      useRefreshTokens: mode === 'refresh',
      // Bounded waits: a refused silent authentication must fail the test quickly, not after 60 s.
      authorizeTimeoutInSeconds: config.authorizeTimeoutInSeconds,
    });
  }

  // What the hidden iframe posted to this window, so the test can check the message and who sent it.
  window.spaMessages = [];
  window.addEventListener('message', function (e) {
    if (e.data && e.data.type === 'authorization_response') window.spaMessages.push({ origin: e.origin, data: e.data });
  });

  var client = null;
  var currentMode = null;
  window.spa = {
    start: async function (mode) {
      sessionStorage.setItem(MODE_KEY, mode);
      // createAuth0Client runs checkSession, a silent authentication of its own: only when needed.
      if (!client || currentMode !== mode) client = await createClient(mode);
      currentMode = mode;
      return mode;
    },
    login: function () {
      return client.loginWithRedirect();
    },
    token: async function (options) {
      try {
        return { token: await client.getTokenSilently(options) };
      } catch (e) {
        return describe(e);
      }
    },
    user: function () {
      return client.getUser();
    },
    logout: function (returnTo) {
      return client.logout({ logoutParams: { returnTo: returnTo } });
    },
    // A request made the way the SDK makes its token requests, so a page can see CORS refuse it.
    rawFetch: async function (url, init) {
      try {
        var response = await fetch(url, init);
        return { status: response.status, body: await response.text() };
      } catch (e) {
        return describe(e);
      }
    },
  };

  (async function () {
    var mode = sessionStorage.getItem(MODE_KEY) || 'iframe';
    try {
      client = await createClient(mode);
      currentMode = mode;
      var query = new URLSearchParams(window.location.search);
      if ((query.has('code') || query.has('error')) && query.has('state')) {
        await client.handleRedirectCallback();
        window.history.replaceState({}, document.title, '/');
        var user = await client.getUser();
        var token = await client.getTokenSilently();
        publish('signed-in', { mode: mode, user: user, token: token });
      } else {
        publish('ready', { mode: mode });
      }
    } catch (e) {
      publish('error', describe(e));
    }
  })();
})();
